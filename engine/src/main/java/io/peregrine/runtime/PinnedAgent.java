package io.peregrine.runtime;

import io.peregrine.config.CpuSet;
import net.openhft.affinity.Affinity;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;

/**
 * An agent whose thread pins itself to one CPU when it starts ({@link io.peregrine.config.JobContext#cpus}), through
 * OpenHFT's Java Thread Affinity ({@code sched_setaffinity} on Linux), then runs the agent it wraps.
 */
final class PinnedAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(PinnedAgent.class);
    private final Agent agent;
    private final int cpu;

    PinnedAgent(final Agent agent, final int cpu)
    {
        this.agent = agent;
        this.cpu = cpu;
    }

    /**
     * Refuse a CPU list this process may not run on, before any thread starts.
     *
     * @param cpus the job's CPUs.
     * @throws IllegalArgumentException naming the CPUs not allowed and those that are.
     */
    static void check(final CpuSet cpus)
    {
        if (cpus.isEmpty())
        {
            return;
        }
        final BitSet allowed = Affinity.getAffinity();
        final StringBuilder refused = new StringBuilder();
        for (int i = 0; i < cpus.size(); i++)
        {
            final int cpu = cpus.cpuOf(i);
            if (!allowed.isEmpty() && !allowed.get(cpu) || cpu >= Runtime.getRuntime().availableProcessors() &&
                allowed.isEmpty())
            {
                refused.append(refused.length() == 0 ? "" : ",").append(cpu);
            }
        }
        if (refused.length() > 0)
        {
            throw new IllegalArgumentException("peregrine.cpus=" + cpus + ": CPU(s) " + refused + " are not among " +
                "the CPUs this process may run on (" + allowed + "); choose from those (see `taskset -p " +
                ProcessHandle.current().pid() + "`)");
        }
    }

    public void onStart()
    {
        Affinity.setAffinity(cpu);
        final BitSet now = Affinity.getAffinity();
        if (now.cardinality() != 1 || !now.get(cpu))
        {
            LOG.warn("{} asked for CPU {} but runs on {}: not pinned (is JNA available? {})", agent.roleName(), cpu, now,
                Affinity.isJNAAvailable());
        }
        else
        {
            LOG.info("{} pinned to CPU {}", agent.roleName(), cpu);
        }
        agent.onStart();
    }

    public int doWork() throws Exception
    {
        return agent.doWork();
    }

    public void onClose()
    {
        agent.onClose();
    }

    public String roleName()
    {
        return agent.roleName();
    }
}
