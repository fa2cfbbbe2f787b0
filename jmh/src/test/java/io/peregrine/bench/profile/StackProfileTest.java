package io.peregrine.bench.profile;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StackProfileTest
{
    /** async-profiler's collapsed output: {@code root;...;leaf count}, Java classes with slashes. */
    static final String ROUND_1 = String.join("\n",
        "java/lang/Thread.run;org/agrona/concurrent/AgentRunner.run;io/peregrine/runtime/ShardAgent.doWork;" +
            "io/peregrine/runtime/WindowOperator.onRecord;io/peregrine/state/MappedSlotTable.findOrInsert 40",
        "java/lang/Thread.run;org/agrona/concurrent/AgentRunner.run;io/peregrine/runtime/ShardAgent.doWork;" +
            "io/peregrine/api/RowWriter.reset 25",
        "java/lang/Thread.run;org/agrona/concurrent/AgentRunner.run;io/peregrine/runtime/ShardAgent.doWork 10",
        "thread_native_entry;JavaThread::thread_main_inner;CompileBroker::compiler_thread_loop;PhaseIdealLoop::build_loop_late 5",
        "",
        "a line without a count",
        "java/lang/Thread.run;java/lang/Thread.yield 20");

    static final String ROUND_2 = String.join("\n",
        "java/lang/Thread.run;org/agrona/concurrent/AgentRunner.run;io/peregrine/runtime/ShardAgent.doWork;" +
            "io/peregrine/api/RowWriter.reset 35",
        "other/root;io/peregrine/state/MappedSlotTable.findOrInsert 15",
        "java/lang/Thread.run;java/lang/Thread.yield -3");

    @Test
    void shouldRankSelfFramesMergedOverRounds()
    {
        final StackProfile profile = new StackProfile().add(ROUND_1).add(ROUND_2);
        assertEquals(2, profile.rounds());
        assertEquals(150, profile.total());
        assertEquals(2, profile.malformed(), "the line without a count and the negative count");

        final List<StackProfile.Frame> top = profile.topSelf(3);
        assertEquals(3, top.size());
        assertEquals("io.peregrine.api.RowWriter.reset", top.get(0).name());
        assertEquals(60, top.get(0).count());
        assertEquals(40.0, profile.percent(top.get(0)), 1e-9);
        // Same self count from two different stacks of the same leaf.
        assertEquals("io.peregrine.state.MappedSlotTable.findOrInsert", top.get(1).name());
        assertEquals(55, top.get(1).count());
        assertEquals("java.lang.Thread.yield", top.get(2).name());
        assertEquals(20, top.get(2).count());

        assertEquals(5, profile.topSelf(30).size(), "every distinct leaf");
        assertEquals("PhaseIdealLoop::build_loop_late", profile.topSelf(30).get(4).name());
    }

    @Test
    void shouldWriteTheFlatProfileAndEveryStackMostFrequentFirst()
    {
        final String text = new StackProfile().add(ROUND_1).text("# q5 on 2 shard(s)", "samples", 2);
        final String[] lines = text.split("\n");
        assertEquals("# q5 on 2 shard(s)", lines[0]);
        assertEquals("100 samples over 1 round(s), 5 distinct stacks, 1 malformed lines skipped", lines[1]);
        assertTrue(text.contains("--- Flat profile: self samples, top 2 ---"), text);
        assertTrue(text.contains("             40   40.00%  io.peregrine.state.MappedSlotTable.findOrInsert\n"), text);
        assertTrue(text.contains("             25   25.00%  io.peregrine.api.RowWriter.reset\n"), text);
        assertTrue(!text.contains("%  java.lang.Thread.yield"), "only the top 2 in the flat profile");
        final int stacks = text.indexOf("--- Collapsed stacks");
        assertTrue(text.indexOf("MappedSlotTable.findOrInsert 40", stacks) < text.indexOf("RowWriter.reset 25", stacks), text);
        assertTrue(text.endsWith("PhaseIdealLoop::build_loop_late 5\n"), text);
    }

    @Test
    void shouldNameAllocatedTypesWithTheirAllocationSites()
    {
        final StackProfile profile = new StackProfile().add(String.join("\n",
            "java/lang/Thread.run;io/peregrine/bench/nexmark/engine/NexmarkQueries$Q7Highest.add;" +
                "io.peregrine.bench.nexmark.engine.NexmarkQueries$Q7Highest$Candidate_[i] 1048574",
            "java/lang/Thread.run;io/peregrine/bench/nexmark/NexmarkGenerator.copyOf;byte[]_[i] 524287",
            "java/lang/Thread.run;java/lang/Integer.toString;byte[]_[i] 524287",
            "byte[]_[i] 100"));
        final List<StackProfile.Frame> sites = profile.topSelf(4, true);
        assertEquals("io.peregrine.bench.nexmark.engine.NexmarkQueries$Q7Highest$Candidate_[i] from " +
            "io.peregrine.bench.nexmark.engine.NexmarkQueries$Q7Highest.add", sites.get(0).name());
        assertEquals("byte[]_[i] from io.peregrine.bench.nexmark.NexmarkGenerator.copyOf", sites.get(1).name());
        assertEquals("byte[]_[i] from java.lang.Integer.toString", sites.get(2).name());
        assertEquals("byte[]_[i]", sites.get(3).name(), "no caller to name");
        assertEquals("NexmarkQueries$Q7Highest$Candidate_[i] from NexmarkQueries$Q7Highest.add",
            StackProfile.shortName(sites.get(0).name()));
        assertEquals("byte[]_[i]", profile.topSelf(1).get(0).name(), "by type alone, the byte arrays add up");
        assertEquals(1_048_674, profile.topSelf(1).get(0).count());
        assertTrue(profile.text("# q7", "bytes", 2, true).contains("byte[]_[i] from io.peregrine.bench.nexmark.NexmarkGenerator.copyOf"));
    }

    @Test
    void shouldNameFramesForPeople()
    {
        assertEquals("io.peregrine.runtime.ShardAgent.doWork", StackProfile.javaName("io/peregrine/runtime/ShardAgent.doWork"));
        assertEquals("Dict::Insert", StackProfile.javaName("Dict::Insert"));
        assertEquals("/usr/lib/libc.so.6", StackProfile.javaName("/usr/lib/libc.so.6"));
        assertEquals("[unknown]", StackProfile.javaName("[unknown]"));

        assertEquals("ShardAgent.doWork", StackProfile.shortName("io.peregrine.runtime.ShardAgent.doWork"));
        assertEquals("GeneratorSource$Reader.poll", StackProfile.shortName("io.peregrine.connector.GeneratorSource$Reader.poll"));
        assertEquals("Long.hashCode", StackProfile.shortName("java.lang.Long.hashCode"));
        assertEquals("T.burn", StackProfile.shortName("T.burn"));
        assertEquals("byte[]", StackProfile.shortName("byte[]"));
        assertEquals("libc.so.6", StackProfile.shortName("libc.so.6"));
        assertEquals("Dict::Insert", StackProfile.shortName("Dict::Insert"));
        assertEquals("clone3", StackProfile.shortName("clone3"));
    }
}
