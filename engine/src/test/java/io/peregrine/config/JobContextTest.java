package io.peregrine.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobContextTest
{
    @Test
    void shouldTakeTheSetterOverTheSystemPropertyOverTheDefault()
    {
        final String key = Settings.CHECKPOINT_FULL_EVERY.key();
        assertNull(System.getProperty(key));
        assertEquals(10, new JobContext().checkpointFullEvery());
        System.setProperty(key, "7");
        try
        {
            final JobContext context = new JobContext();
            assertEquals(7, context.checkpointFullEvery());
            assertEquals(3, context.checkpointFullEvery(3).checkpointFullEvery());
            assertEquals(3, context.conclude().checkpointFullEvery());
        }
        finally
        {
            System.clearProperty(key);
        }
        assertEquals(10, new JobContext().checkpointFullEvery());
    }

    @Test
    void shouldReadThePropertiesWhenMade()
    {
        final Properties properties = new Properties();
        properties.setProperty("peregrine.idle.strategy", "busy-spin");
        properties.setProperty("peregrine.window.two.stage", "false");
        properties.setProperty("peregrine.checkpoint.dir", "/tmp/checkpoints");
        properties.setProperty("peregrine.state.backend", "direct");
        final JobContext context = new JobContext(properties);
        properties.setProperty("peregrine.idle.strategy", "sleep");
        assertSame(IdleStrategyKind.BUSY_SPIN, context.idleStrategy());
        assertEquals("busy-spin", context.idleStrategyName());
        assertEquals(false, context.windowTwoStage());
        assertEquals(Path.of("/tmp/checkpoints"), context.checkpointDir());
        assertSame(StateBackend.DIRECT, context.stateBackend());
        assertNull(context.checkpointDir(null).checkpointDir(), "set back to unset");
        assertNull(new JobContext(new Properties()).checkpointDir());
    }

    @Test
    void shouldRefuseAnInvalidSystemPropertyNamingItAndTheAcceptedValuesUnlessASetterOverridesIt()
    {
        final Properties properties = new Properties();
        properties.setProperty("peregrine.idle.strategy", "fast");
        final JobContext context = new JobContext(properties);
        assertEquals("peregrine.idle.strategy=fast is not valid: expected one of busy-spin, yield, backoff, sleep",
            assertThrows(ConfigException.class, context::conclude).getMessage());
        assertThrows(ConfigException.class, context::idleStrategy);
        assertTrue(context.toString().contains("peregrine.idle.strategy=fast"), context.toString());
        assertSame(IdleStrategyKind.YIELD, context.idleStrategy(IdleStrategyKind.YIELD).conclude().idleStrategy());
    }

    @Test
    void shouldValidateSetterValuesAtConclude()
    {
        assertConclude("peregrine.shards=0 is not valid: expected an integer in 1..1024", new JobContext().shards(0));
        assertConclude("peregrine.exchange.ring.capacity=5000 is not valid: expected a power of two >= 4096",
            new JobContext().ringCapacity(5000));
        assertConclude("peregrine.state.load.factor=0.99 is not valid: expected a number > 0.1 and < 0.95",
            new JobContext().stateLoadFactor(0.99f));
        assertConclude("peregrine.dead.letter.dir=unset is not valid: expected a path", new JobContext().deadLetterDir(null));
        assertConclude("peregrine.max.row.length=16384 is not valid: expected at most an eighth of " +
            "peregrine.exchange.ring.capacity less 64 (448)", new JobContext().ringCapacity(4096));
        assertConclude("peregrine.key.groups=2 is not valid: expected >= peregrine.shards (4)",
            new JobContext().shards(4).keyGroups(2));
    }

    @Test
    void shouldSetFromTextByKeyTheLastSetWinning()
    {
        final JobContext context = new JobContext(new Properties());
        assertEquals(3, context.shards(2).set("peregrine.shards", "3").shards());
        assertEquals(2, context.set("peregrine.shards", "3").shards(2).shards());
        assertSame(IdleStrategyKind.SLEEP, context.idleStrategyName("sleep").idleStrategy());
        assertEquals("peregrine.shards=many is not valid: expected an integer in 1..1024",
            assertThrows(ConfigException.class, () -> context.set("peregrine.shards", "many").conclude()).getMessage());
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> context.set("peregrine.shard", "3"));
        assertTrue(unknown.getMessage().startsWith("no setting is called peregrine.shard; the settings are ["),
            unknown.getMessage());
        assertTrue(unknown.getMessage().contains("peregrine.shards"), unknown.getMessage());
    }

    @Test
    void shouldGiveEveryDefaultAndConcludeWithThem()
    {
        final JobContext context = new JobContext(new Properties()).conclude();
        for (final ConfigOption<?> option : Settings.all())
        {
            assertEquals(option.defaultValue(), context.get(option), option.key());
        }
        assertEquals(Runtime.getRuntime().availableProcessors(), context.shards());
        assertSame(IdleStrategyKind.BACKOFF, context.idleStrategy());
        assertEquals(1024 * 1024 + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH,
            context.ringLength());
    }

    private static void assertConclude(final String message, final JobContext context)
    {
        assertEquals(message, assertThrows(ConfigException.class, context::conclude).getMessage());
    }
}
