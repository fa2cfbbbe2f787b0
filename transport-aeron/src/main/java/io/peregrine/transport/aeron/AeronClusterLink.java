package io.peregrine.transport.aeron;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.peregrine.exchange.ClusterLayout;
import io.peregrine.exchange.ClusterLink;
import io.peregrine.exchange.ClusterSpec;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One node's end of a job over Aeron UDP, run by one agent thread that also runs the embedded media driver and the
 * Aeron client (both in invoker mode, so a node adds one thread to its shards).
 * <p>
 * Per ordered pair of nodes: one control publication (handshake, heartbeats, failure, end) and one data publication
 * per exchange, all on the destination's endpoint, with the sender's node id in the session id. A data publication
 * per exchange keeps a later exchange flowing while an earlier one is held back, as separate rings do on one node:
 * without it, a full ring of one exchange could block a shared image that carries the frames another shard needs
 * in order to make room.
 * <p>
 * Each duty cycle: invoke the driver and client, poll the control and data subscriptions (data into the exchange
 * rings; a full ring leaves the message in the image), read the outbound exchange rings into the publications (a
 * back-pressured or unconnected publication leaves the message in its ring, which fills and stops the producing
 * shard's sources), send control messages, and check the peers' heartbeats and the join deadline.
 */
final class AeronClusterLink implements ClusterLink, Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(AeronClusterLink.class);
    static final int SESSION_BASE = 0x50520000;
    static final int CONTROL_STREAM = 1001;
    static final int DATA_STREAM = 1100;
    private static final int PROTOCOL = 1;
    /** Bytes asked of the kernel for each UDP socket (capped by net.core.rmem_max / wmem_max). */
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;
    private static final int FRAGMENTS = 64;
    /** Ring messages sent per outbound ring per duty cycle. */
    private static final int SEND_LIMIT = 64;
    private static final long BYE_LINGER_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private enum State
    {
        JOINING, RUNNING, ENDING, ENDED, FAILED
    }

    private final ClusterSpec spec;
    private final ClusterLayout layout;
    private final ClusterLayout.Member self;
    private final int jobId;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;
    private final Subscription control;
    private final Subscription[] data;
    private final ControlledFragmentAssembler[] dataAssemblers;
    private final ExclusivePublication[] controlOut;
    private final ExclusivePublication[][] dataOut;
    private final List<Outbound> outbound = new ArrayList<>();
    private final InboundFrames inbound;
    private final FragmentHandler controlHandler = new io.aeron.FragmentAssembler(this::onControl);
    @SuppressWarnings("unchecked")
    private final ArrayDeque<DirectBuffer>[] pendingControl;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[TransportFrame.HEADER_LENGTH]);
    private final long[] lastHeardNs;
    private final boolean[] joined;
    private final boolean[] done;
    private final boolean[] acked;
    private final long startNs;
    private final long joinTimeoutNs;
    private final long peerTimeoutNs;
    private final long heartbeatNs;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AgentRunner runner;
    /** Closes the embedded driver (and deletes its directory) when the JVM ends before the job closes the link. */
    private final Thread shutdownHook;
    private volatile String failure;
    private volatile boolean localDone;
    private volatile boolean controlQueued;
    private volatile String localFailure;
    private volatile long backPressure;
    private volatile long rejected;
    private State state = State.JOINING;
    private boolean localDoneSent;
    private long lastHeartbeatNs;
    private long endingSinceNs;
    private long byeQueuedNs;
    private long byeSentNs;
    private long nowNs;

    /** The sending side of one exchange ring whose consumer is on another node. */
    private final class Outbound implements ControlledMessageHandler
    {
        final RingBuffer ring;
        final int exchange;
        final int producer;
        final int consumer;
        final ExclusivePublication publication;

        Outbound(final RingBuffer ring, final int exchange, final int producer, final int consumer,
            final ExclusivePublication publication)
        {
            this.ring = ring;
            this.exchange = exchange;
            this.producer = producer;
            this.consumer = consumer;
            this.publication = publication;
        }

        public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            TransportFrame.header(header, 0, msgTypeId, exchange, jobId, producer, consumer);
            final long result = publication.offer(header, 0, TransportFrame.HEADER_LENGTH, buffer, index, length);
            if (result > 0)
            {
                return Action.CONTINUE;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                failLocally("node " + self.id + " cannot send to " + layout.member(layout.nodeOfShard(consumer)) +
                    ": its publication is " + (result == Publication.CLOSED ? "closed" : "at its maximum position"));
                return Action.ABORT;
            }
            backPressure++;
            return Action.ABORT; // stays in the ring; the ring fills and the producing shard stops reading its sources
        }
    }

    AeronClusterLink(final ClusterSpec spec)
    {
        this.spec = spec;
        this.layout = spec.layout;
        this.self = layout.member(spec.node);
        this.jobId = TransportFrame.jobId(spec.jobName, spec.fingerprint);
        this.inbound = new InboundFrames(layout, spec.node, jobId, spec.exchanges, spec.rings);
        final int nodes = layout.nodes();
        this.lastHeardNs = new long[nodes];
        this.joined = new boolean[nodes];
        this.done = new boolean[nodes];
        this.acked = new boolean[nodes];
        this.pendingControl = new ArrayDeque[nodes];
        for (int n = 0; n < nodes; n++)
        {
            pendingControl[n] = new ArrayDeque<>();
        }
        this.joinTimeoutNs = TimeUnit.MILLISECONDS.toNanos(spec.joinTimeoutMs);
        this.peerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(spec.peerTimeoutMs);
        this.heartbeatNs = Math.min(TimeUnit.MILLISECONDS.toNanos(200), peerTimeoutNs / 5);

        MediaDriver launched = null;
        Aeron client = null;
        try
        {
            final Aeron.Context clientContext = new Aeron.Context().useConductorAgentInvoker(true);
            if (spec.aeronDir == null)
            {
                final MediaDriver.Context driverContext = new MediaDriver.Context()
                    .aeronDirectoryName(embeddedDir(self))
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .threadingMode(ThreadingMode.INVOKER)
                    .imageLivenessTimeoutNs(peerTimeoutNs)
                    .publicationConnectionTimeoutNs(peerTimeoutNs)
                    .termBufferSparseFile(true)
                    // One receive socket takes every image from every peer (control and each exchange): a buffer
                    // of several windows, so that a burst from all of them is not dropped by the kernel (and NAKed).
                    .socketRcvbufLength(SOCKET_BUFFER)
                    .socketSndbufLength(SOCKET_BUFFER);
                launched = MediaDriver.launch(driverContext);
                clientContext.aeronDirectoryName(driverContext.aeronDirectoryName())
                    .driverAgentInvoker(launched.sharedAgentInvoker());
                LOG.info("node {}: embedded Aeron media driver in {}", self.id, driverContext.aeronDirectoryName());
            }
            else
            {
                clientContext.aeronDirectoryName(spec.aeronDir.toString());
                LOG.info("node {}: external Aeron media driver in {}", self.id, spec.aeronDir);
            }
            client = Aeron.connect(clientContext);
        }
        catch (final RuntimeException e)
        {
            CloseHelper.quietCloseAll(client, launched);
            throw new IllegalStateException("node " + self.id + " could not start its Aeron transport" +
                (spec.aeronDir == null ? " (embedded media driver)" : " (media driver in " + spec.aeronDir + ")") +
                ": " + e, e);
        }
        this.driver = launched;
        if (launched != null)
        {
            final MediaDriver toClose = launched;
            shutdownHook = new Thread(() -> CloseHelper.quietClose(toClose), "peregrine-aeron-driver-cleanup");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        else
        {
            shutdownHook = null;
        }
        this.aeron = client;
        this.driverInvoker = launched == null ? null : launched.sharedAgentInvoker();
        this.clientInvoker = client.conductorAgentInvoker();
        try
        {
            final String listen = "aeron:udp?endpoint=" + self.address();
            control = aeron.addSubscription(listen, CONTROL_STREAM);
            data = new Subscription[spec.exchanges];
            dataAssemblers = new ControlledFragmentAssembler[spec.exchanges];
            for (int e = 0; e < spec.exchanges; e++)
            {
                data[e] = aeron.addSubscription(listen, DATA_STREAM + e);
                dataAssemblers[e] = new ControlledFragmentAssembler(this::onData);
            }
            controlOut = new ExclusivePublication[nodes];
            dataOut = new ExclusivePublication[nodes][spec.exchanges];
            for (final ClusterLayout.Member peer : layout.members())
            {
                if (peer.id == self.id)
                {
                    continue;
                }
                final String channel = "aeron:udp?endpoint=" + peer.address() + "|session-id=" + (SESSION_BASE + self.id) +
                    "|term-length=2m";
                controlOut[peer.id] = aeron.addExclusivePublication(channel, CONTROL_STREAM);
                for (int e = 0; e < spec.exchanges; e++)
                {
                    dataOut[peer.id][e] = aeron.addExclusivePublication(channel, DATA_STREAM + e);
                }
            }
            for (int e = 0; e < spec.exchanges; e++)
            {
                for (int p = self.firstShard; p < self.firstShard + self.shards; p++)
                {
                    for (int c = 0; c < layout.totalShards(); c++)
                    {
                        if (!self.owns(c))
                        {
                            outbound.add(new Outbound(spec.rings.ring(e, p, c), e, p, c, dataOut[layout.nodeOfShard(c)][e]));
                        }
                    }
                }
            }
        }
        catch (final RuntimeException e)
        {
            CloseHelper.quietCloseAll(aeron, driver);
            throw new IllegalStateException("node " + self.id + " could not open its Aeron channels on " +
                self.address() + ": " + e, e);
        }
        startNs = System.nanoTime();
        nowNs = startNs;
        runner = new AgentRunner(new BackoffIdleStrategy(100, 10, 1_000, 100_000), t ->
        {
            LOG.error("node {} transport failed", self.id, t);
            failLocally("node " + self.id + " transport failed: " + t);
        }, null, this);
        AgentRunner.startOnThread(runner);
    }

    /**
     * @return the embedded media driver's directory: under /dev/shm where present (memory, not disk), unique per
     * node by its port, cleaned when the driver starts and ends.
     */
    static String embeddedDir(final ClusterLayout.Member member)
    {
        final File shm = new File("/dev/shm");
        final String base = shm.isDirectory() ? shm.getPath() : System.getProperty("java.io.tmpdir");
        return base + File.separator + "peregrine-aeron-" + member.host.replace(':', '_') + "-" + member.port;
    }

    private DirectBuffer hello()
    {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(256);
        b.putInt(0, PROTOCOL);
        b.putInt(4, layout.totalShards());
        int at = 8;
        at += b.putStringUtf8(at, spec.jobName);
        at += b.putStringUtf8(at, spec.fingerprint);
        return new UnsafeBuffer(b, 0, at);
    }

    private static DirectBuffer text(final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[4 + bytes.length]);
        b.putStringUtf8(0, message);
        return b;
    }

    private static final DirectBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private void queue(final int node, final int type, final DirectBuffer payload)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[TransportFrame.HEADER_LENGTH + payload.capacity()]);
        TransportFrame.header(message, 0, type, 0, jobId, self.id, node);
        message.putBytes(TransportFrame.HEADER_LENGTH, payload, 0, payload.capacity());
        pendingControl[node].add(message);
    }

    private void queueAll(final int type, final DirectBuffer payload)
    {
        for (final ClusterLayout.Member peer : layout.members())
        {
            if (peer.id != self.id)
            {
                queue(peer.id, type, payload);
            }
        }
    }

    public String roleName()
    {
        return "peregrine-transport-node-" + self.id;
    }

    public int doWork()
    {
        nowNs = System.nanoTime();
        int work = 0;
        if (driverInvoker != null)
        {
            work += driverInvoker.invoke();
        }
        work += clientInvoker.invoke();
        work += control.poll(controlHandler, FRAGMENTS);
        for (int e = 0; e < data.length; e++)
        {
            work += data[e].controlledPoll(dataAssemblers[e], FRAGMENTS);
        }
        if (state == State.RUNNING || state == State.ENDING)
        {
            for (int i = 0, size = outbound.size(); i < size; i++)
            {
                final Outbound out = outbound.get(i);
                work += out.ring.controlledRead(out, SEND_LIMIT);
            }
        }
        work += sendControl();
        controlQueued = controlPending();
        rejected = inbound.rejected();
        work += checkProgress();
        return work;
    }

    private ControlledFragmentHandler.Action onData(
        final DirectBuffer buffer, final int offset, final int length, final Header frameHeader)
    {
        return inbound.onData(frameHeader.sessionId() - SESSION_BASE, buffer, offset, length);
    }

    private void onControl(final DirectBuffer buffer, final int offset, final int length, final Header frameHeader)
    {
        final int sender = frameHeader.sessionId() - SESSION_BASE;
        if (sender < 0 || sender >= layout.nodes() || sender == self.id)
        {
            inbound.reject("a control message from an unknown sender (session of node " + sender + ")", length);
            return;
        }
        final ClusterLayout.Member from = layout.member(sender);
        if (length >= TransportFrame.HEADER_LENGTH && buffer.getInt(offset) == TransportFrame.MAGIC &&
            TransportFrame.type(buffer, offset) == TransportFrame.HELLO && self.id == 0)
        {
            onHello(from, buffer, offset + TransportFrame.HEADER_LENGTH, length - TransportFrame.HEADER_LENGTH);
            return;
        }
        final String problem = inbound.checkHeader(buffer, offset, length);
        if (problem != null)
        {
            if (state == State.JOINING && buffer.getInt(offset) == TransportFrame.MAGIC &&
                TransportFrame.type(buffer, offset) == TransportFrame.FAIL && length >= TransportFrame.HEADER_LENGTH + 4)
            {
                // node 0 refused this node's HELLO (another job or version): its reason says why
                failLocally(buffer.getStringUtf8(offset + TransportFrame.HEADER_LENGTH));
                return;
            }
            inbound.reject(problem + " (control, from " + from + ")", length);
            return;
        }
        lastHeardNs[sender] = nowNs;
        final int type = TransportFrame.type(buffer, offset);
        switch (type)
        {
            case TransportFrame.START:
                if (state == State.JOINING)
                {
                    LOG.info("node {}: node 0 started the job", self.id);
                    running();
                }
                break;
            case TransportFrame.HEARTBEAT:
                break;
            case TransportFrame.FAIL:
                failRemotely(buffer.getStringUtf8(offset + TransportFrame.HEADER_LENGTH));
                break;
            case TransportFrame.DONE:
                done[sender] = true;
                break;
            case TransportFrame.END:
                if (state == State.RUNNING)
                {
                    queue(0, TransportFrame.END_ACK, EMPTY);
                    state = State.ENDING;
                    endingSinceNs = nowNs;
                }
                break;
            case TransportFrame.END_ACK:
                acked[sender] = true;
                break;
            case TransportFrame.BYE:
                if (state == State.ENDING)
                {
                    end();
                }
                break;
            default:
                inbound.reject("unknown control type " + type + " from " + from, length);
        }
    }

    private void onHello(final ClusterLayout.Member from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (state != State.JOINING)
        {
            return;
        }
        final int protocol = buffer.getInt(offset);
        String problem = null;
        if (protocol != PROTOCOL)
        {
            problem = from + " speaks cluster protocol version " + protocol + ", node 0 speaks " + PROTOCOL +
                ": run the same Peregrine version on every node";
        }
        else
        {
            final int shards = buffer.getInt(offset + 4);
            final String jobName = buffer.getStringUtf8(offset + 8);
            final String fingerprint = buffer.getStringUtf8(offset + 12 + jobName.getBytes(StandardCharsets.UTF_8).length);
            if (!jobName.equals(spec.jobName))
            {
                problem = from + " runs job '" + jobName + "', node 0 runs job '" + spec.jobName + "'";
            }
            else if (shards != layout.totalShards())
            {
                problem = from + " reads a cluster of " + shards + " shards, node 0 one of " + layout.totalShards() +
                    ": give every node the same cluster file";
            }
            else if (!fingerprint.equals(spec.fingerprint))
            {
                problem = from + " runs another version of job '" + jobName + "' (" + fingerprint + "), node 0 runs " +
                    spec.fingerprint;
            }
        }
        if (problem != null)
        {
            queueAll(TransportFrame.FAIL, text(problem));
            failLocally(problem);
            return;
        }
        lastHeardNs[from.id] = nowNs;
        if (!joined[from.id])
        {
            joined[from.id] = true;
            LOG.info("node 0: {} joined", from);
        }
        startIfAllJoined();
    }

    private void startIfAllJoined()
    {
        if (state != State.JOINING || !all(joined))
        {
            return;
        }
        queueAll(TransportFrame.START, EMPTY);
        LOG.info("node 0: every node joined, the job starts");
        running();
    }

    private void running()
    {
        state = State.RUNNING;
        for (int n = 0; n < lastHeardNs.length; n++)
        {
            lastHeardNs[n] = nowNs;
        }
        started.countDown();
    }

    private int sendControl()
    {
        int work = 0;
        // Heartbeats also while ending: a node waiting for node 0's BYE must not take a slow acknowledgement
        // elsewhere for node 0's loss.
        if ((state == State.RUNNING || (state == State.ENDING && byeQueuedNs == 0)) && nowNs - lastHeartbeatNs >= heartbeatNs)
        {
            lastHeartbeatNs = nowNs;
            for (final ClusterLayout.Member peer : layout.members())
            {
                if (peer.id != self.id && pendingControl[peer.id].isEmpty())
                {
                    queue(peer.id, TransportFrame.HEARTBEAT, EMPTY);
                }
            }
        }
        for (int n = 0; n < pendingControl.length; n++)
        {
            final ArrayDeque<DirectBuffer> pending = pendingControl[n];
            while (!pending.isEmpty())
            {
                final DirectBuffer message = pending.peek();
                final long result = controlOut[n].offer(message, 0, message.capacity());
                if (result < 0)
                {
                    break;
                }
                pending.poll();
                work++;
            }
        }
        return work;
    }

    private boolean controlPending()
    {
        for (final ArrayDeque<DirectBuffer> pending : pendingControl)
        {
            if (!pending.isEmpty())
            {
                return true;
            }
        }
        return false;
    }

    private int checkProgress()
    {
        final String failed = localFailure;
        if (failed != null && state != State.FAILED && state != State.ENDED)
        {
            localFailure = null;
            queueAll(TransportFrame.FAIL, text(failed));
            failLocally(failed);
            return 1;
        }
        switch (state)
        {
            case JOINING:
                if (!joined[self.id] && allConnected())
                {
                    // Join only once every publication of this node is connected, so the job does not start with
                    // records held in the rings while publications connect (a start-up stall in the latency).
                    joined[self.id] = true;
                    if (self.id != 0)
                    {
                        queue(0, TransportFrame.HELLO, hello());
                    }
                    else
                    {
                        startIfAllJoined();
                    }
                }
                if (nowNs - startNs > joinTimeoutNs)
                {
                    failLocally(joinFailure());
                    queueAll(TransportFrame.FAIL, text(failure));
                }
                return 0;
            case RUNNING:
            case ENDING:
                break;
            default:
                return 0;
        }
        for (final ClusterLayout.Member peer : layout.members())
        {
            if (peer.id != self.id && nowNs - lastHeardNs[peer.id] > peerTimeoutNs &&
                !(state == State.ENDING && peer.id != 0) && !(self.id == 0 && acked[peer.id]))
            {
                final String message = "lost " + peer + ": nothing heard from it for " + spec.peerTimeoutMs +
                    " ms (" + Settings.PEER_TIMEOUT + "): its process ended or the network between the nodes is down";
                queueAll(TransportFrame.FAIL, text(message));
                failLocally(message);
                return 1;
            }
        }
        if (state == State.RUNNING && localDone && !localDoneSent)
        {
            localDoneSent = true;
            if (self.id == 0)
            {
                done[0] = true;
            }
            else
            {
                queue(0, TransportFrame.DONE, EMPTY);
            }
        }
        if (self.id == 0 && state == State.RUNNING && all(done))
        {
            LOG.info("node 0: every node's shards are done, the job ends");
            queueAll(TransportFrame.END, EMPTY);
            acked[0] = true;
            state = State.ENDING;
            endingSinceNs = nowNs;
        }
        if (self.id == 0 && state == State.ENDING)
        {
            if (byeQueuedNs == 0 && all(acked))
            {
                queueAll(TransportFrame.BYE, EMPTY);
                byeQueuedNs = nowNs;
            }
            else if (byeQueuedNs != 0 && byeSentNs == 0 && !controlPending())
            {
                byeSentNs = nowNs;
            }
            else if ((byeSentNs != 0 && nowNs - byeSentNs > BYE_LINGER_NS) ||
                (byeQueuedNs != 0 && nowNs - byeQueuedNs > peerTimeoutNs))
            {
                end(); // the BYEs have left (or a peer went away after acknowledging the end: it has all it needs)
            }
            else if (byeQueuedNs == 0 && nowNs - endingSinceNs > peerTimeoutNs)
            {
                final String message = "node 0: " + unacknowledged() + " did not acknowledge the end of the job within " +
                    spec.peerTimeoutMs + " ms (" + Settings.PEER_TIMEOUT + ")";
                queueAll(TransportFrame.FAIL, text(message));
                failLocally(message);
            }
        }
        else if (state == State.ENDING && nowNs - endingSinceNs > peerTimeoutNs)
        {
            end(); // node 0's BYE did not come: it has ended (it sends BYE only once every node acknowledged)
        }
        return 0;
    }

    private boolean allConnected()
    {
        for (final ClusterLayout.Member peer : layout.members())
        {
            if (peer.id == self.id)
            {
                continue;
            }
            if (!controlOut[peer.id].isConnected())
            {
                return false;
            }
            for (final ExclusivePublication publication : dataOut[peer.id])
            {
                if (!publication.isConnected())
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean all(final boolean[] flags)
    {
        for (final boolean f : flags)
        {
            if (!f)
            {
                return false;
            }
        }
        return true;
    }

    private String unacknowledged()
    {
        final StringBuilder sb = new StringBuilder();
        for (final ClusterLayout.Member m : layout.members())
        {
            if (!acked[m.id])
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(m);
            }
        }
        return sb.toString();
    }

    private String joinFailure()
    {
        if (self.id != 0)
        {
            return "node " + self.id + ": " + layout.member(0) + " did not start the job within " + spec.joinTimeoutMs +
                " ms (" + Settings.JOIN_TIMEOUT + "): is it running, with the same cluster file, and is every node up?";
        }
        final StringBuilder missing = new StringBuilder();
        for (final ClusterLayout.Member m : layout.members())
        {
            if (!joined[m.id] && m.id != self.id)
            {
                missing.append(missing.length() == 0 ? "" : ", ").append(m);
            }
        }
        if (missing.length() == 0)
        {
            return "node 0: could not connect to every node within " + spec.joinTimeoutMs + " ms (" + Settings.JOIN_TIMEOUT +
                "): can it reach every address of the cluster file?";
        }
        return "node 0: " + missing + " did not join within " + spec.joinTimeoutMs + " ms (" + Settings.JOIN_TIMEOUT +
            "): start every node of the cluster file, with the same job";
    }

    private void end()
    {
        state = State.ENDED;
        spec.listener.onEnd();
    }

    private void failLocally(final String message)
    {
        if (state == State.FAILED || state == State.ENDED)
        {
            return;
        }
        state = State.FAILED;
        failure = message;
        LOG.error("job '{}' failed on node {}: {}", spec.jobName, self.id, message);
        started.countDown();
        spec.listener.onFailure(message);
    }

    private void failRemotely(final String message)
    {
        failLocally(message);
    }

    public void awaitStart()
    {
        try
        {
            started.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("node " + self.id + ": interrupted while joining the cluster");
        }
        final String failed = failure;
        if (failed != null)
        {
            throw new IllegalStateException("job '" + spec.jobName + "' could not start: " + failed);
        }
    }

    public void localShardsDone()
    {
        localDone = true;
    }

    public void fail(final String message)
    {
        localFailure = message;
    }

    public long backPressureEvents()
    {
        return backPressure;
    }

    public long rejectedFrames()
    {
        return rejected;
    }

    public void close()
    {
        // Give a failure message already queued time to leave (a publication may still be connecting), and the
        // driver a moment to send it, so the other nodes learn the cause from us rather than by a time-out.
        if (failure != null || localFailure != null)
        {
            final long deadline = System.nanoTime() + peerTimeoutNs;
            while ((localFailure != null || controlQueued) && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            LockSupport.parkNanos(BYE_LINGER_NS);
        }
        CloseHelper.quietClose(runner);
        if (driver != null)
        {
            final org.agrona.concurrent.status.CountersReader counters = aeron.countersReader();
            LOG.info("node {}: Aeron NAKs sent {}, retransmits sent {}, short sends {}", self.id,
                counters.getCounterValue(SystemCounterDescriptor.NAK_MESSAGES_SENT.id()),
                counters.getCounterValue(SystemCounterDescriptor.RETRANSMITS_SENT.id()),
                counters.getCounterValue(SystemCounterDescriptor.SHORT_SENDS.id()));
        }
        CloseHelper.quietCloseAll(aeron, driver);
        if (shutdownHook != null)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (final IllegalStateException ignored)
            {
                // the JVM is shutting down: the hook is what closes us
            }
        }
    }

    /** Names of the settings, for messages (the engine's Settings are not this module's business to import). */
    private static final class Settings
    {
        static final String JOIN_TIMEOUT = "peregrine.cluster.join.timeout.ms";
        static final String PEER_TIMEOUT = "peregrine.cluster.peer.timeout.ms";
    }
}
