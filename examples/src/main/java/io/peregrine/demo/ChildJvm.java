package io.peregrine.demo;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a class's {@code main} (e.g. {@link CheckpointedJob#main}) in a child JVM with this JVM's flags and class
 * path.
 */
public final class ChildJvm
{
    private ChildJvm()
    {
    }

    static Process start(final Path log, final Class<?> main, final String... args) throws Exception
    {
        return start(log, List.of("-Xmx512m"), main, args);
    }

    /**
     * @param log        where the child's stderr goes; its stdout is the process's input stream.
     * @param jvmOptions options of the child JVM besides this JVM's flags, e.g. {@code -Xmx256m}, {@code -Dkey=value}.
     * @param main       the class whose {@code main} runs.
     * @param args       its arguments.
     * @return the child.
     * @throws Exception if it cannot start.
     */
    public static Process start(final Path log, final List<String> jvmOptions, final Class<?> main, final String... args)
        throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("--sun-misc") ||
                arg.startsWith("--enable-native"))
            {
                command.add(arg);
            }
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(log.toFile()).start();
    }
}
