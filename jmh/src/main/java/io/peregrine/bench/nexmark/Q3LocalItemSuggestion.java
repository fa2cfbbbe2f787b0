package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;

/**
 * Baseline of Nexmark q3, local item suggestion ({@code queries/q3.sql}):
 * <pre>
 * SELECT P.name, P.city, P.state, A.id
 * FROM auction AS A INNER JOIN person AS P on A.seller = P.id
 * WHERE A.category = 10 and (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
 * </pre>
 * A regular (unwindowed) inner join of two append-only inputs: one row per matching (auction, person) pair, emitted
 * as soon as both sides have arrived, whichever comes first. Like the reference's join state, the people of
 * OR/ID/CA are kept for ever; auctions of category 10 wait for a seller not seen yet; people of other states are
 * remembered by id only, so their auctions are dropped at once. Person ids are taken as unique (true of the
 * generator); a repeated person id would be joined with the auctions that arrive after it only.
 */
public final class Q3LocalItemSuggestion implements NexmarkBaseline
{
    private static final long CATEGORY = 10;

    private final CsvRow row;
    private final Long2ObjectHashMap<String[]> people = new Long2ObjectHashMap<>();
    private final LongHashSet otherPeople = new LongHashSet();
    private final Long2ObjectHashMap<LongArrayList> pendingAuctions = new Long2ObjectHashMap<>();

    /**
     * @param sink receives the rows.
     */
    public Q3LocalItemSuggestion(final ResultSink sink)
    {
        row = new CsvRow(sink);
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "q3";
    }

    /**
     * {@inheritDoc}
     */
    public String header()
    {
        return "name,city,state,id";
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final NexmarkEvent event)
    {
        if (event.type() == NexmarkEvent.PERSON)
        {
            final NexmarkEvent.Person person = event.person();
            final Utf8Text state = person.state();
            if (isWantedState(state))
            {
                final String[] columns = { person.name().toString(), person.city().toString(), state.toString() };
                people.put(person.id(), columns);
                final LongArrayList waiting = pendingAuctions.remove(person.id());
                if (waiting != null)
                {
                    for (int i = 0; i < waiting.size(); i++)
                    {
                        emit(columns, waiting.getLong(i));
                    }
                }
            }
            else
            {
                otherPeople.add(person.id());
                pendingAuctions.remove(person.id());
            }
        }
        else if (event.type() == NexmarkEvent.AUCTION && event.auction().category() == CATEGORY)
        {
            final long seller = event.auction().seller();
            final String[] columns = people.get(seller);
            if (columns != null)
            {
                emit(columns, event.auction().id());
            }
            else if (!otherPeople.contains(seller))
            {
                pendingAuctions.computeIfAbsent(seller, (s) -> new LongArrayList()).addLong(event.auction().id());
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void finish()
    {
    }

    private void emit(final String[] person, final long auctionId)
    {
        row.add(person[0]).add(person[1]).add(person[2]).add(auctionId);
        row.emit();
    }

    private static boolean isWantedState(final Utf8Text state)
    {
        if (state.length() != 2)
        {
            return false;
        }
        final byte a = state.byteAt(0);
        final byte b = state.byteAt(1);
        return (a == 'O' && b == 'R') || (a == 'I' && b == 'D') || (a == 'C' && b == 'A');
    }
}
