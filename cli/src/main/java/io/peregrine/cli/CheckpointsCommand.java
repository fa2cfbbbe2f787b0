package io.peregrine.cli;

import io.peregrine.checkpoint.CheckpointStore;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code peregrine checkpoints DIR}: the completed checkpoints of a job's checkpoint directory, which one a restart
 * would restore, and anything found damaged.
 */
@CommandLine.Command(name = "checkpoints", mixinStandardHelpOptions = true,
    description = "List the checkpoints in a job's checkpoint directory: id, time, full or incremental, bytes, " +
        "duration, the longest shard pause, shards; and which one a restart restores.")
public final class CheckpointsCommand implements Callable<Integer>
{
    @CommandLine.Parameters(index = "0", description = "The job's checkpoint directory.")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public Integer call()
    {
        if (!Files.isDirectory(dir))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), dir + " is not a directory");
        }
        final CheckpointStore store = CheckpointStore.scan(dir);
        for (final String line : CheckpointStore.describe(store))
        {
            System.out.println(line);
        }
        System.out.println();
        System.out.println(store.restorable() == null ? "nothing to restore" : "a restart restores " + store.restorable());
        for (final String problem : store.problems())
        {
            System.out.println("problem: " + problem);
        }
        return store.problems().isEmpty() ? 0 : 3;
    }
}
