package io.peregrine.transport.aeron;

import io.peregrine.exchange.ClusterLink;
import io.peregrine.exchange.ClusterSpec;
import io.peregrine.exchange.ClusterTransport;

/**
 * The engine's cluster transport over Aeron UDP, registered in
 * {@code META-INF/services/io.peregrine.exchange.ClusterTransport}.
 */
public final class AeronClusterTransport implements ClusterTransport
{
    @Override
    public ClusterLink open(final ClusterSpec spec)
    {
        return new AeronClusterLink(spec);
    }
}
