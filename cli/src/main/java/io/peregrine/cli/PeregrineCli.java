package io.peregrine.cli;

import picocli.CommandLine;

/**
 * The {@code peregrine} launcher. Subcommands: {@code demo}, {@code stat}, {@code checkpoints}; the benchmark suite adds its own.
 * Bad options get a message and usage with exit code 2; a failing job gets its message (no stack
 * trace unless {@code -Dperegrine.debug=true}) with exit code 1.
 */
@CommandLine.Command(
    name = "peregrine",
    mixinStandardHelpOptions = true,
    versionProvider = PeregrineCli.Version.class,
    description = "Stateful stream processing for the JVM: fused shard loops, off-heap keyed state.",
    subcommands = { DemoCommand.class, StatCommand.class, CheckpointsCommand.class, CommandLine.HelpCommand.class })
public final class PeregrineCli implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'peregrine demo' or 'peregrine --help'");
    }

    /**
     * @param args command line.
     * @return exit code.
     */
    public static int execute(final String... args)
    {
        final CommandLine cl = new CommandLine(new PeregrineCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) ->
        {
            commandLine.getErr().println("peregrine: " + e.getMessage());
            if (Boolean.getBoolean("peregrine.debug"))
            {
                e.printStackTrace(commandLine.getErr());
            }
            else
            {
                commandLine.getErr().println("(run with -Dperegrine.debug=true for the stack trace)");
            }
            return 1;
        });
        return cl.execute(args);
    }

    /**
     * The project's version, from the build ({@link io.peregrine.demo.ProjectVersion}).
     */
    public static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            return new String[] { io.peregrine.demo.ProjectVersion.text() };
        }
    }

    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }
}
