package io.peregrine.bench.nexmark.engine;

import io.peregrine.api.Field;
import io.peregrine.api.RowWriter;
import io.peregrine.api.Schema;
import io.peregrine.bench.nexmark.NexmarkEvent;
import io.peregrine.bench.nexmark.Utf8Text;

/**
 * The engine form of a Nexmark event: one wide schema {@link #EVENT} holding {@code event_type}, {@code dateTime}
 * and the fields of the person, the auction and the bid of the Flink Nexmark DDL, numbers as {@code int64}, times
 * as {@code timestamp} (epoch ms), text as {@code varString} (UTF-8 bytes). Only the part of the event's type is
 * filled; the other parts are zero (empty text).
 */
public final class NexmarkRows
{
    /** One Nexmark event per row. */
    public static final Schema EVENT = Schema.builder("nexmark_event")
        .int32("event_type").timestamp("dateTime")
        .int64("p_id").varString("p_name").varString("p_emailAddress").varString("p_creditCard")
        .varString("p_city").varString("p_state").varString("p_extra")
        .int64("a_id").varString("a_itemName").varString("a_description").int64("a_initialBid")
        .int64("a_reserve").timestamp("a_expires").int64("a_seller").int64("a_category").varString("a_extra")
        .int64("b_auction").int64("b_bidder").int64("b_price").varString("b_channel").varString("b_url")
        .varString("b_extra")
        .build();

    /** {@link NexmarkEvent#PERSON}, {@link NexmarkEvent#AUCTION} or {@link NexmarkEvent#BID}. */
    public static final Field.Int32 EVENT_TYPE = EVENT.int32("event_type");
    /** Event time, epoch ms. */
    public static final Field.Timestamp DATE_TIME = EVENT.timestamp("dateTime");

    /** Person id. */
    public static final Field.Int64 P_ID = EVENT.int64("p_id");
    /** Person name. */
    public static final Field.VarString P_NAME = EVENT.varString("p_name");
    /** Person email address. */
    public static final Field.VarString P_EMAIL = EVENT.varString("p_emailAddress");
    /** Person credit card. */
    public static final Field.VarString P_CREDIT_CARD = EVENT.varString("p_creditCard");
    /** Person city. */
    public static final Field.VarString P_CITY = EVENT.varString("p_city");
    /** Person US state. */
    public static final Field.VarString P_STATE = EVENT.varString("p_state");
    /** Person padding. */
    public static final Field.VarString P_EXTRA = EVENT.varString("p_extra");

    /** Auction id. */
    public static final Field.Int64 A_ID = EVENT.int64("a_id");
    /** Auction item name. */
    public static final Field.VarString A_ITEM_NAME = EVENT.varString("a_itemName");
    /** Auction description. */
    public static final Field.VarString A_DESCRIPTION = EVENT.varString("a_description");
    /** Auction initial bid, cents. */
    public static final Field.Int64 A_INITIAL_BID = EVENT.int64("a_initialBid");
    /** Auction reserve price, cents. */
    public static final Field.Int64 A_RESERVE = EVENT.int64("a_reserve");
    /** Auction expiry, epoch ms. */
    public static final Field.Timestamp A_EXPIRES = EVENT.timestamp("a_expires");
    /** Auction seller (person id). */
    public static final Field.Int64 A_SELLER = EVENT.int64("a_seller");
    /** Auction category. */
    public static final Field.Int64 A_CATEGORY = EVENT.int64("a_category");
    /** Auction padding. */
    public static final Field.VarString A_EXTRA = EVENT.varString("a_extra");

    /** Bid auction id. */
    public static final Field.Int64 B_AUCTION = EVENT.int64("b_auction");
    /** Bid bidder (person id). */
    public static final Field.Int64 B_BIDDER = EVENT.int64("b_bidder");
    /** Bid price, cents. */
    public static final Field.Int64 B_PRICE = EVENT.int64("b_price");
    /** Bid channel. */
    public static final Field.VarString B_CHANNEL = EVENT.varString("b_channel");
    /** Bid URL. */
    public static final Field.VarString B_URL = EVENT.varString("b_url");
    /** Bid padding. */
    public static final Field.VarString B_EXTRA = EVENT.varString("b_extra");

    private NexmarkRows()
    {
    }

    /**
     * Write an event into a row of {@link #EVENT} started on {@code out}: allocation-free, each text copied once from
     * wherever the event holds it.
     *
     * @param event to write.
     * @param out   writer started on a row of {@link #EVENT}.
     */
    public static void write(final NexmarkEvent event, final RowWriter out)
    {
        out.putInt(EVENT_TYPE, event.type()).putTimestamp(DATE_TIME, event.dateTime());
        switch (event.type())
        {
            case NexmarkEvent.PERSON:
            {
                final NexmarkEvent.Person p = event.person();
                out.putLong(P_ID, p.id());
                text(out, P_NAME, p.name());
                text(out, P_EMAIL, p.emailAddress());
                text(out, P_CREDIT_CARD, p.creditCard());
                text(out, P_CITY, p.city());
                text(out, P_STATE, p.state());
                text(out, P_EXTRA, p.extra());
                break;
            }
            case NexmarkEvent.AUCTION:
            {
                final NexmarkEvent.Auction a = event.auction();
                out.putLong(A_ID, a.id());
                text(out, A_ITEM_NAME, a.itemName());
                text(out, A_DESCRIPTION, a.description());
                out.putLong(A_INITIAL_BID, a.initialBid())
                    .putLong(A_RESERVE, a.reserve())
                    .putTimestamp(A_EXPIRES, a.expires())
                    .putLong(A_SELLER, a.seller())
                    .putLong(A_CATEGORY, a.category());
                text(out, A_EXTRA, a.extra());
                break;
            }
            default:
            {
                final NexmarkEvent.Bid b = event.bid();
                out.putLong(B_AUCTION, b.auction()).putLong(B_BIDDER, b.bidder()).putLong(B_PRICE, b.price());
                text(out, B_CHANNEL, b.channel());
                text(out, B_URL, b.url());
                text(out, B_EXTRA, b.extra());
                break;
            }
        }
    }

    private static void text(final RowWriter out, final Field.VarString field, final Utf8Text text)
    {
        out.putVarString(field, text.bytes(), text.offset(), text.length());
    }
}
