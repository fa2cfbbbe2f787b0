package io.peregrine.cli;

import io.peregrine.config.ConfigOption;
import io.peregrine.config.IdleStrategyKind;
import io.peregrine.config.JobContext;
import io.peregrine.config.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingOptionsTest
{
    @Test
    void demoHelpDescribesEachSettingOptionAsTheSettingIsDeclared()
    {
        final CommandLine cl = new CommandLine(new DemoCommand()).setUsageHelpWidth(1000);
        final String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        final List<String> settings = new ArrayList<>();
        for (final CommandLine.Model.OptionSpec option : cl.getCommandSpec().options())
        {
            final String key = option.descriptionKey();
            if (key != null && key.startsWith("peregrine."))
            {
                final ConfigOption<?> setting = Settings.byKey(key);
                assertEquals(List.of(setting.help()), List.of(option.description()), option.longestName());
                assertTrue(usage.contains(option.longestName() + "=" + option.paramLabel()), usage);
                assertTrue(usage.contains(setting.help()), usage);
                settings.add(option.longestName());
            }
        }
        assertEquals(List.of("--shards", "--idle-strategy", "--cpus", "--checkpoint-dir", "--checkpoint-interval", "--metrics-port",
            "--cluster", "--node", "--join-timeout", "--peer-timeout", "--aeron-dir"), settings);
        assertTrue(usage.contains("Shard threads (an integer in 1..1024; default: available processors; " +
            "-Dperegrine.shards)."), usage);
    }

    @Test
    void optionsGivenSetTheirSettingsAndTheOthersAreLeftToTheSystemPropertiesOrDefaults()
    {
        final CommandLine cl = new CommandLine(new DemoCommand());
        cl.parseArgs("--shards", "3", "--idle-strategy", "busy-spin", "--checkpoint-dir", "/tmp/cp");
        final Properties properties = new Properties();
        properties.setProperty(Settings.SHARDS.key(), "5");
        properties.setProperty(Settings.CHECKPOINT_INTERVAL_MS.key(), "250");
        final JobContext context = SettingOptions.applyTo(cl.getCommandSpec(), new JobContext(properties));
        assertEquals(3, context.shards());
        assertSame(IdleStrategyKind.BUSY_SPIN, context.idleStrategy());
        assertEquals(Path.of("/tmp/cp"), context.checkpointDir());
        assertEquals(250, context.checkpointIntervalMs());

        final CommandLine none = new CommandLine(new DemoCommand());
        none.parseArgs();
        final JobContext defaults = SettingOptions.applyTo(none.getCommandSpec(), new JobContext(new Properties()));
        assertNull(defaults.checkpointDir());
        assertSame(Settings.IDLE_STRATEGY.defaultValue(), defaults.idleStrategy());
    }

    @Test
    void aValueTheSettingRefusesIsAUsageErrorNamingTheOptionTheSettingAndTheAcceptedValues()
    {
        final CommandLine cl = new CommandLine(new DemoCommand());
        cl.parseArgs("--checkpoint-interval=-5");
        final CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
            () -> SettingOptions.applyTo(cl.getCommandSpec(), new JobContext(new Properties())));
        assertEquals("Invalid value for option '--checkpoint-interval': peregrine.checkpoint.interval.ms=-5 is not " +
            "valid: expected an integer >= 0", e.getMessage());
    }
}
