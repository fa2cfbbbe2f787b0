package io.peregrine.bench.state;

import io.peregrine.state.DirectSlotTable;
import io.peregrine.state.MappedSlotTable;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.UnsafeApi;
import org.agrona.collections.Long2LongHashMap;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.function.BiFunction;

/**
 * One long -> long store under benchmark, behind the three operations measured. One implementation
 * per JMH fork, so the call site stays monomorphic.
 */
abstract class KeyValueStore implements AutoCloseable
{
    static final long MISSING = Long.MIN_VALUE;

    abstract long get(long key);

    abstract void put(long key, long value);

    abstract void update(long key);

    public abstract void close();

    static KeyValueStore create(final String impl, final long keys, final Path dir) throws IOException
    {
        switch (impl)
        {
            case "mapped":
                return new Mapped(dir, keys);
            case "direct":
                return new Direct(keys);
            case "l2l":
                return new L2L(keys);
            case "hashmap":
                return new JavaHashMap(keys);
            case "chronicle":
                return new Chronicle(dir, keys);
            case "rawmemory":
                return new RawMemory(keys);
            default:
                throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    /** Slots for {@code keys} entries at load factor 0.7, a power of two. */
    static long slotsFor(final long keys)
    {
        return Long.highestOneBit((long)(keys / 0.7) - 1) << 1;
    }

    static final class Mapped extends KeyValueStore
    {
        private final MappedSlotTable table;

        Mapped(final Path dir, final long keys)
        {
            table = MappedSlotTable.create(dir, "bench", 8, slotsFor(keys));
        }

        long get(final long key)
        {
            return table.find(key) ? table.value().getLong(0) : MISSING;
        }

        void put(final long key, final long value)
        {
            table.findOrInsert(key);
            table.value().putLong(0, value);
        }

        void update(final long key)
        {
            table.findOrInsert(key);
            table.value().putLong(0, table.value().getLong(0) + 1);
        }

        public void close()
        {
            table.closeAndDelete();
        }
    }

    static final class Direct extends KeyValueStore
    {
        private final DirectSlotTable table;

        Direct(final long keys)
        {
            table = new DirectSlotTable(8, (int)slotsFor(keys), 0.7f);
        }

        long get(final long key)
        {
            return table.find(key) ? table.value().getLong(0) : MISSING;
        }

        void put(final long key, final long value)
        {
            table.findOrInsert(key);
            table.value().putLong(0, value);
        }

        void update(final long key)
        {
            table.findOrInsert(key);
            table.value().putLong(0, table.value().getLong(0) + 1);
        }

        public void close()
        {
            table.close();
        }
    }

    static final class L2L extends KeyValueStore
    {
        private final Long2LongHashMap map;

        L2L(final long keys)
        {
            map = new Long2LongHashMap((int)slotsFor(keys), 0.7f, MISSING);
        }

        long get(final long key)
        {
            return map.get(key);
        }

        void put(final long key, final long value)
        {
            map.put(key, value);
        }

        void update(final long key)
        {
            map.put(key, map.get(key) + 1);
        }

        public void close()
        {
            map.clear();
        }
    }

    static final class JavaHashMap extends KeyValueStore
    {
        private static final BiFunction<Long, Long, Long> SUM = Long::sum;
        private static final Long ONE = 1L;
        private final HashMap<Long, Long> map;

        JavaHashMap(final long keys)
        {
            map = new HashMap<>((int)(keys / 0.75f) + 1);
        }

        long get(final long key)
        {
            final Long v = map.get(key);
            return v == null ? MISSING : v;
        }

        void put(final long key, final long value)
        {
            map.put(key, value);
        }

        void update(final long key)
        {
            map.merge(key, ONE, SUM);
        }

        public void close()
        {
            map.clear();
        }
    }

    /**
     * Chronicle Map persisted to a file (like {@link MappedSlotTable}), boxed Long API, default
     * settings apart from the entry count.
     */
    static final class Chronicle extends KeyValueStore
    {
        private final ChronicleMap<Long, Long> map;
        private final File file;

        Chronicle(final Path dir, final long keys) throws IOException
        {
            file = dir.resolve("bench.cmap").toFile();
            map = ChronicleMap.of(Long.class, Long.class).name("bench").entries(keys).createPersistedTo(file);
        }

        long get(final long key)
        {
            final Long v = map.get(key);
            return v == null ? MISSING : v;
        }

        void put(final long key, final long value)
        {
            map.put(key, value);
        }

        void update(final long key)
        {
            final Long v = map.get(key);
            map.put(key, v == null ? 1 : v + 1);
        }

        public void close()
        {
            map.close();
            try
            {
                Files.deleteIfExists(file.toPath());
            }
            catch (final IOException ignore)
            {
                // best effort in a benchmark teardown
            }
        }
    }

    /**
     * Not a map: one random 8-byte read or write in an off-heap block as large as the mapped table
     * (24-byte slots at load 0.7). Its cost is one cache miss (plus a TLB miss): the floor for a
     * random get that must touch memory.
     */
    static final class RawMemory extends KeyValueStore
    {
        private static final int SLOT = 24;
        private final long address;
        private final long mask;

        RawMemory(final long keys)
        {
            final long slots = slotsFor(keys);
            mask = slots - 1;
            address = UnsafeApi.allocateMemory(slots * SLOT);
            UnsafeApi.setMemory(address, slots * SLOT, (byte)0);
        }

        long get(final long key)
        {
            return UnsafeApi.getLong(address + (((key * 0x9E3779B97F4A7C15L) >>> 20) & mask) * SLOT);
        }

        void put(final long key, final long value)
        {
            UnsafeApi.putLong(address + (((key * 0x9E3779B97F4A7C15L) >>> 20) & mask) * SLOT, value);
        }

        void update(final long key)
        {
            final long a = address + (((key * 0x9E3779B97F4A7C15L) >>> 20) & mask) * SLOT;
            UnsafeApi.putLong(a, UnsafeApi.getLong(a) + 1);
        }

        public void close()
        {
            UnsafeApi.freeMemory(address);
        }
    }
}
