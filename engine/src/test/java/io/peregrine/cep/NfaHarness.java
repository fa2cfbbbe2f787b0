package io.peregrine.cep;

import io.peregrine.api.Field;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Drives an {@link Nfa} over one key's events named like FlinkCEP's documentation ("a", "b1", "c"): the step
 * conditions test the first letter; matches and timeouts are rendered as the events' names in step order.
 */
final class NfaHarness implements Nfa.Output
{
    static final Schema EVENT = Schema.builder("ev").int32("type").ascii("label", 8).int64("value").build();
    static final Field.Int32 TYPE = EVENT.int32("type");
    static final Field.Ascii LABEL = EVENT.ascii("label");
    static final Field.Int64 VALUE = EVENT.int64("value");

    final List<String> matches = new ArrayList<>();
    final List<String> timeouts = new ArrayList<>();
    private final CompiledPattern pattern;
    private final Nfa nfa;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final RowWriter writer = new RowWriter();
    private final io.peregrine.api.MutableRow row = new io.peregrine.api.MutableRow();

    NfaHarness(final Pattern pattern)
    {
        this(pattern, 1_000_000);
    }

    NfaHarness(final Pattern pattern, final int maxPartialMatches)
    {
        this.pattern = pattern.compile();
        this.nfa = new Nfa(this.pattern, EVENT, maxPartialMatches);
    }

    static SimpleCondition is(final char type)
    {
        return event -> event.getInt(TYPE) == type;
    }

    /**
     * @param events names separated by spaces, at timestamps 1, 2, 3...
     */
    NfaHarness feed(final String events)
    {
        long ts = 1;
        for (final String name : events.split(" "))
        {
            feed(name, ts++, 0);
        }
        return this;
    }

    NfaHarness feed(final String name, final long ts, final long value)
    {
        writer.wrap(EVENT, buffer, 0, buffer.capacity());
        writer.putInt(TYPE, Character.toLowerCase(name.charAt(0))).putAscii(LABEL, name).putLong(VALUE, value);
        row.wrap(EVENT, buffer, 0, writer.length());
        row.meta(ts, -1, -1);
        nfa.advanceTime(ts, this);
        nfa.process(row, this);
        return this;
    }

    NfaHarness advance(final long time)
    {
        nfa.advanceTime(time, this);
        return this;
    }

    Nfa nfa()
    {
        return nfa;
    }

    String render(final Match match)
    {
        final StringBuilder text = new StringBuilder();
        for (int s = 0; s < pattern.steps(); s++)
        {
            final String step = pattern.name(s);
            for (int i = 0; i < match.count(step); i++)
            {
                text.append(text.length() == 0 ? "" : " ").append(match.event(step, i).getAscii(LABEL, new StringBuilder()));
            }
        }
        return text.toString();
    }

    public void match(final Match match, final long timestamp)
    {
        matches.add(render(match));
    }

    public void timeout(final Match partial, final long timeoutTimestamp)
    {
        timeouts.add(render(partial) + "@" + timeoutTimestamp);
    }
}
