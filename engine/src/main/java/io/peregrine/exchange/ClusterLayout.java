package io.peregrine.exchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The nodes of a cluster, read from a cluster file: a line per node with its id, the host:port its Aeron subscription
 * listens on, and its shard count. Ids run 0, 1, ... without gaps; node 0 coordinates. Shards are numbered over the
 * whole cluster in node order (node 0's first), so every node plans the same shard count and key group ranges.
 * <pre>
 *   # id   host:port          shards
 *   0      127.0.0.1:40100    2
 *   1      10.0.0.2:40100     2
 * </pre>
 */
public final class ClusterLayout
{
    /** One node of the cluster. */
    public static final class Member
    {
        public final int id;
        public final String host;
        public final int port;
        public final int shards;
        public final int firstShard;

        Member(final int id, final String host, final int port, final int shards, final int firstShard)
        {
            this.id = id;
            this.host = host;
            this.port = port;
            this.shards = shards;
            this.firstShard = firstShard;
        }

        public String address()
        {
            return host + ":" + port;
        }

        public boolean owns(final int shard)
        {
            return shard >= firstShard && shard < firstShard + shards;
        }

        public String toString()
        {
            return "node " + id + " (" + address() + ")";
        }
    }

    private final List<Member> members;
    private final int[] nodeOfShard;

    private ClusterLayout(final List<Member> members)
    {
        this.members = Collections.unmodifiableList(members);
        int total = 0;
        for (final Member m : members)
        {
            total += m.shards;
        }
        nodeOfShard = new int[total];
        for (final Member m : members)
        {
            for (int s = m.firstShard; s < m.firstShard + m.shards; s++)
            {
                nodeOfShard[s] = m.id;
            }
        }
    }

    /**
     * @param file a cluster file.
     * @return its layout.
     * @throws IllegalArgumentException naming the file and line of what it cannot read.
     */
    public static ClusterLayout read(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("cluster file " + file + " cannot be read: " + e, e);
        }
        return parse(file.toString(), lines);
    }

    /**
     * @param name  where the lines come from, for error messages.
     * @param lines the file's lines.
     * @return the layout.
     */
    public static ClusterLayout parse(final String name, final List<String> lines)
    {
        final List<Member> members = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            String line = lines.get(i);
            final int hash = line.indexOf('#');
            if (hash >= 0)
            {
                line = line.substring(0, hash);
            }
            line = line.trim();
            if (line.isEmpty())
            {
                continue;
            }
            final String where = "cluster file " + name + " line " + (i + 1) + " '" + line + "'";
            final String[] parts = line.split("\\s+");
            if (parts.length != 3)
            {
                throw new IllegalArgumentException(where + ": expected 'id host:port shards'");
            }
            final int id;
            final int port;
            final int shards;
            final int colon = parts[1].lastIndexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException(where + ": the address must be host:port with a port of 1-65535");
            }
            try
            {
                id = Integer.parseInt(parts[0]);
                port = Integer.parseInt(parts[1].substring(colon + 1));
                shards = Integer.parseInt(parts[2]);
            }
            catch (final NumberFormatException | StringIndexOutOfBoundsException e)
            {
                throw new IllegalArgumentException(where + ": expected 'id host:port shards' with whole numbers");
            }
            if (port < 1 || port > 65535)
            {
                throw new IllegalArgumentException(where + ": the address must be host:port with a port of 1-65535");
            }
            if (id != members.size())
            {
                throw new IllegalArgumentException(where + ": node ids must run 0, 1, 2, ... in order; expected " +
                    members.size());
            }
            if (shards < 1)
            {
                throw new IllegalArgumentException(where + ": a node needs at least one shard");
            }
            members.add(new Member(id, parts[1].substring(0, colon), port, shards, first));
            first += shards;
        }
        if (members.isEmpty())
        {
            throw new IllegalArgumentException("cluster file " + name + " names no node");
        }
        return new ClusterLayout(members);
    }

    public List<Member> members()
    {
        return members;
    }

    public Member member(final int node)
    {
        if (node < 0 || node >= members.size())
        {
            throw new IllegalArgumentException("node " + node + " is not in the cluster file (nodes 0-" +
                (members.size() - 1) + ")");
        }
        return members.get(node);
    }

    public int nodes()
    {
        return members.size();
    }

    public int totalShards()
    {
        return nodeOfShard.length;
    }

    public int nodeOfShard(final int shard)
    {
        return nodeOfShard[shard];
    }

    /**
     * @return the layout as one line, the same on every node reading the same file.
     */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Member m : members)
        {
            sb.append(m.id).append('=').append(m.address()).append('/').append(m.shards).append(' ');
        }
        return sb.toString().trim();
    }
}
