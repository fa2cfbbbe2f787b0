package io.peregrine;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's layers, checked on its byte code: each layer may use only those below it, and no two packages depend
 * on each other. From the bottom:
 * <ol>
 *     <li><b>base</b>: {@code time}, {@code metrics}, {@code config} (settings), {@code checkpoint} (the journal
 *     store) and the {@code state} module: no knowledge of pipelines;</li>
 *     <li><b>api</b>: rows, schemas, the user's function interfaces, the connector SPI ({@code Source},
 *     {@code Sink}) and the {@code Job} handle;</li>
 *     <li><b>plan</b>: the immutable logical graph and the {@code JobExecutor} SPI;</li>
 *     <li><b>connector</b>: sources and sinks, written against the api's SPI only;</li>
 *     <li><b>pipeline</b>: the fluent builder users start from; it reaches a runtime only through
 *     {@code JobExecutor}, found by {@link java.util.ServiceLoader};</li>
 *     <li><b>exchange</b> and <b>runtime</b>: the physical plan, shard loops and operators, which nothing
 *     imports.</li>
 * </ol>
 * A change that breaks a rule fails the build, naming the offending class and the dependency.
 */
class ArchitectureTest
{
    private static JavaClasses classes;

    @BeforeAll
    static void importEngine()
    {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.peregrine");
    }

    @Test
    void layersDependOneWay()
    {
        Architectures.layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("base").definedBy(
                "io.peregrine.time..", "io.peregrine.metrics..", "io.peregrine.config..", "io.peregrine.checkpoint..",
                "io.peregrine.state..")
            .layer("api").definedBy("io.peregrine.api..")
            .layer("plan").definedBy("io.peregrine.plan..")
            .layer("connector").definedBy("io.peregrine.connector..")
            .layer("pipeline").definedBy("io.peregrine.pipeline..")
            .layer("exchange").definedBy("io.peregrine.exchange..")
            .layer("runtime").definedBy("io.peregrine.runtime..")
            .whereLayer("base").mayOnlyAccessLayers("base")
            .whereLayer("api").mayOnlyAccessLayers("base")
            .whereLayer("plan").mayOnlyAccessLayers("api", "base")
            .whereLayer("connector").mayOnlyAccessLayers("api", "base")
            .whereLayer("pipeline").mayOnlyAccessLayers("plan", "connector", "api", "base")
            .whereLayer("exchange").mayOnlyAccessLayers("api", "base")
            .whereLayer("runtime").mayOnlyAccessLayers("exchange", "plan", "api", "base")
            .whereLayer("runtime").mayNotBeAccessedByAnyLayer()
            .check(classes);
    }

    @Test
    void noPackageCycles()
    {
        slices().matching("io.peregrine.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void engineDoesNotUseTheCommandLineOrDemoLibraries()
    {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.HdrHistogram..", "io.aeron..")
            .because("peregrine-engine brings the engine, Agrona, Chronicle Queue and state-offheap, nothing else; " +
                "the CLI and examples are modules of their own")
            .check(classes);
    }
}
