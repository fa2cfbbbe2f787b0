package io.peregrine.bench.nexmark;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.List;

/**
 * Baseline of Nexmark q3, local item suggestion ({@code queries/q3.sql}):
 * <pre>
 * SELECT P.name, P.city, P.state, A.id
 * FROM auction AS A INNER JOIN person AS P on A.seller = P.id
 * WHERE A.category = 10 and (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
 * </pre>
 * A regular (unwindowed) inner join of two append-only inputs: one row per matching (auction, person) pair, emitted
 * as soon as both sides have arrived, whichever comes first. As in the reference's join state, the people of
 * OR/ID/CA and the auctions of category 10 (the filters apply before the join) are kept for ever, each row of either
 * side: a person id seen twice is two people (a seller who moved from CA to NY still joins as the CA row; two CA rows
 * join twice), and any later row of a seller joins the auctions before it.
 */
public final class Q3LocalItemSuggestion implements NexmarkBaseline
{
    private static final long CATEGORY = 10;

    private final CsvRow row;
    private final Long2ObjectHashMap<List<String[]>> people = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongArrayList> auctions = new Long2ObjectHashMap<>();

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
                people.computeIfAbsent(person.id(), (id) -> new ArrayList<>(1)).add(columns);
                final LongArrayList sold = auctions.get(person.id());
                if (sold != null)
                {
                    for (int i = 0; i < sold.size(); i++)
                    {
                        emit(columns, sold.getLong(i));
                    }
                }
            }
        }
        else if (event.type() == NexmarkEvent.AUCTION && event.auction().category() == CATEGORY)
        {
            final long seller = event.auction().seller();
            auctions.computeIfAbsent(seller, (s) -> new LongArrayList()).addLong(event.auction().id());
            final List<String[]> sellers = people.get(seller);
            if (sellers != null)
            {
                for (int i = 0; i < sellers.size(); i++)
                {
                    emit(sellers.get(i), event.auction().id());
                }
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
