package io.peregrine.bench.nexmark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.peregrine.api.InputPolicy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads JSON lines into a reused {@link NexmarkEvent} with Jackson's streaming {@link JsonParser}.
 * <p>
 * A malformed line (bad JSON, an unknown {@code event_type}, a field the {@link InputPolicy} rejects) is counted
 * and written to the dead-letter stream as {@code lineNumber<TAB>reason<TAB>line}; reading goes on with the next
 * line. Blank lines are skipped. Lines are numbered from 1. Fields may come in any order; unknown fields are
 * skipped; the object named by {@code event_type} must be present, the others may be {@code null} or absent.
 * <p>
 * Missing and mistyped fields follow the policy, by default {@link InputPolicy#LENIENT} as Flink's JSON format
 * ({@code json.fail-on-missing-field = false}): a field absent or {@code null} reads as zero or empty text (Flink:
 * {@code null}); a number in quotes ({@code "5"}) or an integer written as a decimal ({@code 5.0}) is converted,
 * as Flink's {@code JsonToRowDataConverters} do, and a number or boolean where text is expected is read as its
 * text. Unlike Flink, a number with a fraction for an integer field ({@code 5.5}, which Flink truncates to 5)
 * rejects the line, and so does a missing {@code dateTime} or {@code expires} (a time is never read as zero). Each
 * lenient field is counted ({@link #lastDefaulted()}, {@link #lastConverted()}). With {@link InputPolicy#REJECT},
 * every field of the object must be present in its own form: numbers JSON integers, timestamps strings.
 * <p>
 * Per line the only allocation is Jackson's parser object (its buffers are recycled); text is copied from the
 * parser's char buffer into the event's {@link Utf8Text} fields and timestamps are parsed in place.
 */
public final class NexmarkJsonReader implements Closeable
{
    private static final int P_ID = 1;
    private static final int P_NAME = 1 << 1;
    private static final int P_EMAIL = 1 << 2;
    private static final int P_CARD = 1 << 3;
    private static final int P_CITY = 1 << 4;
    private static final int P_STATE = 1 << 5;
    private static final int P_TIME = 1 << 6;
    private static final int P_EXTRA = 1 << 7;
    private static final int PERSON_ALL = (1 << 8) - 1;

    private static final int A_ID = 1;
    private static final int A_NAME = 1 << 1;
    private static final int A_DESC = 1 << 2;
    private static final int A_INITIAL = 1 << 3;
    private static final int A_RESERVE = 1 << 4;
    private static final int A_TIME = 1 << 5;
    private static final int A_EXPIRES = 1 << 6;
    private static final int A_SELLER = 1 << 7;
    private static final int A_CATEGORY = 1 << 8;
    private static final int A_EXTRA = 1 << 9;
    private static final int AUCTION_ALL = (1 << 10) - 1;

    private static final int B_AUCTION = 1;
    private static final int B_BIDDER = 1 << 1;
    private static final int B_PRICE = 1 << 2;
    private static final int B_CHANNEL = 1 << 3;
    private static final int B_URL = 1 << 4;
    private static final int B_TIME = 1 << 5;
    private static final int B_EXTRA = 1 << 6;
    private static final int BID_ALL = (1 << 7) - 1;

    private static final String[] PERSON_FIELDS =
        { "id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra" };
    private static final String[] AUCTION_FIELDS = { "id", "itemName", "description", "initialBid", "reserve",
        "dateTime", "expires", "seller", "category", "extra" };
    private static final String[] BID_FIELDS =
        { "auction", "bidder", "price", "channel", "url", "dateTime", "extra" };

    private static final int PERSON_TIMES = P_TIME;
    private static final int AUCTION_TIMES = A_TIME | A_EXPIRES;
    private static final int BID_TIMES = B_TIME;

    private final JsonFactory factory = new JsonFactory();
    private final InputPolicy policy;
    private final org.agrona.concurrent.UnsafeBuffer numberText = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
    private final long[] numberScratch = new long[2];
    private long number;
    private int lineDefaulted;
    private int lineConverted;
    private long defaultedCount;
    private long convertedCount;
    private final InputStream in;
    private final OutputStream deadLetter;
    private final Utf8Text deadLetterLine = new Utf8Text(1024);
    private byte[] buffer = new byte[256 * 1024];
    private int position;
    /** Bytes of the input before {@code buffer[0]}, counted from where the input started. */
    private long consumed;
    private int regionEnd;
    private int dataEnd;
    private JsonParser parser;
    private int parserStart;
    private boolean endOfInput;
    private long lineNumber;
    private long eventCount;
    private long malformedCount;
    private String reason;
    private long personTime;
    private long auctionTime;
    private long bidTime;

    /**
     * A reader with the {@link InputPolicy#LENIENT} policy of Flink's JSON format.
     *
     * @param in         JSON lines; closed by {@link #close()}.
     * @param deadLetter receives malformed lines; closed by {@link #close()}.
     */
    public NexmarkJsonReader(final InputStream in, final OutputStream deadLetter)
    {
        this(in, deadLetter, InputPolicy.LENIENT);
    }

    /**
     * @param in         JSON lines; closed by {@link #close()}.
     * @param deadLetter receives malformed lines; closed by {@link #close()}.
     * @param policy     for missing and mistyped fields.
     */
    public NexmarkJsonReader(final InputStream in, final OutputStream deadLetter, final InputPolicy policy)
    {
        this.in = in;
        this.deadLetter = deadLetter;
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    /**
     * Read the next well-formed event, dead-lettering malformed lines on the way.
     *
     * @param event reused holder, filled when true is returned.
     * @return false at the end of the input.
     * @throws IOException from the streams.
     */
    public boolean next(final NexmarkEvent event) throws IOException
    {
        while (true)
        {
            if (position >= regionEnd && !fill())
            {
                return false;
            }
            if (parser == null)
            {
                parser = factory.createParser(buffer, position, regionEnd - position);
                parserStart = position;
            }
            reason = null;
            lineDefaulted = 0;
            lineConverted = 0;
            boolean parsed = false;
            try
            {
                final JsonToken first = parser.nextToken();
                if (first == null)
                {
                    // Only blank lines left in the region.
                    lineNumber += count(position, regionEnd, (byte)'\n');
                    position = regionEnd;
                    closeParser();
                    continue;
                }
                parsed = parseObject(first, event);
            }
            catch (final JsonProcessingException ex)
            {
                reason = "invalid JSON: " + ex.getOriginalMessage().replace('\n', ' ').replace('\t', ' ');
            }

            final int lineStart = skipBlankLines(position);
            final int lineEnd = indexOf(lineStart, regionEnd, (byte)'\n');
            lineNumber++;
            position = lineEnd < regionEnd ? lineEnd + 1 : regionEnd;
            if (parsed)
            {
                final int objectEnd = parserStart + (int)parser.currentLocation().getByteOffset();
                if (objectEnd > lineEnd)
                {
                    reason = "not one JSON object per line";
                }
                else if (!isBlank(objectEnd, lineEnd))
                {
                    reason = "trailing content after the object";
                }
                else
                {
                    eventCount++;
                    defaultedCount += lineDefaulted;
                    convertedCount += lineConverted;
                    return true;
                }
            }
            // The parser's state is unknown after a bad line: start a new one on the next line.
            closeParser();
            deadLetter(lineStart, lineEnd, reason == null ? "malformed" : reason);
        }
    }

    /**
     * @return number of the last line read, from 1.
     */
    public long lineNumber()
    {
        return lineNumber;
    }

    /**
     * Where to resume reading after the last event returned (or line dead-lettered): for an input that is a
     * whole file, the byte offset of the next line in it, the replay point of a checkpointed source.
     *
     * @return bytes of the input consumed by the lines read so far, plus the start given to
     * {@link #startAt(long, long)}.
     */
    public long nextLineOffset()
    {
        return consumed + position;
    }

    /**
     * Continue an earlier read: the input given to the constructor already starts at {@code offset}, the
     * {@link #nextLineOffset()} of that read, whose {@link #lineNumber()} was {@code lineNumber}; line numbers
     * and offsets go on from there. Before the first {@link #next(NexmarkEvent)}.
     *
     * @param offset     byte offset of the input's first byte in the whole file.
     * @param lineNumber number of the line before it, from 1 (0 at the start of the file).
     */
    public void startAt(final long offset, final long lineNumber)
    {
        if (dataEnd != 0 || endOfInput)
        {
            throw new IllegalStateException("startAt must be called before the first read");
        }
        this.consumed = offset;
        this.lineNumber = lineNumber;
    }

    /**
     * @return number of events returned.
     */
    public long eventCount()
    {
        return eventCount;
    }

    /**
     * @return number of malformed lines dead-lettered.
     */
    public long malformedCount()
    {
        return malformedCount;
    }

    /**
     * @return fields of the last event returned that were missing and read as zero or empty.
     */
    public int lastDefaulted()
    {
        return lineDefaulted;
    }

    /**
     * @return fields of the last event returned that were converted from another form.
     */
    public int lastConverted()
    {
        return lineConverted;
    }

    /**
     * @return missing fields read as zero or empty, over the events returned.
     */
    public long defaultedCount()
    {
        return defaultedCount;
    }

    /**
     * @return fields converted from another form, over the events returned.
     */
    public long convertedCount()
    {
        return convertedCount;
    }

    /**
     * {@inheritDoc}
     */
    public void close() throws IOException
    {
        try
        {
            closeParser();
            in.close();
        }
        finally
        {
            deadLetter.close();
        }
    }

    private boolean parseObject(final JsonToken first, final NexmarkEvent event) throws IOException
    {
        final JsonParser parser = this.parser;
        {
            if (first != JsonToken.START_OBJECT)
            {
                reason = "not a JSON object";
                return false;
            }
            int type = -1;
            int personFields = -1;
            int auctionFields = -1;
            int bidFields = -1;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                switch (name)
                {
                    case "event_type":
                        if (!readLong(parser, value))
                        {
                            reason = "wrong type for event_type: expected integer";
                            return false;
                        }
                        final long t = number;
                        if (t < NexmarkEvent.PERSON || t > NexmarkEvent.BID)
                        {
                            reason = "unknown event_type " + t;
                            return false;
                        }
                        type = (int)t;
                        break;
                    case "person":
                        personFields = nested(parser, value, event, NexmarkEvent.PERSON);
                        break;
                    case "auction":
                        auctionFields = nested(parser, value, event, NexmarkEvent.AUCTION);
                        break;
                    case "bid":
                        bidFields = nested(parser, value, event, NexmarkEvent.BID);
                        break;
                    default:
                        parser.skipChildren();
                        break;
                }
                if (reason != null)
                {
                    return false;
                }
            }
            if (token != JsonToken.END_OBJECT)
            {
                reason = "invalid JSON: unexpected " + token;
                return false;
            }
            switch (type)
            {
                case NexmarkEvent.PERSON:
                    return complete(event, type, personFields, PERSON_ALL, PERSON_TIMES, "person", PERSON_FIELDS,
                        personTime);
                case NexmarkEvent.AUCTION:
                    return complete(event, type, auctionFields, AUCTION_ALL, AUCTION_TIMES, "auction",
                        AUCTION_FIELDS, auctionTime);
                case NexmarkEvent.BID:
                    return complete(event, type, bidFields, BID_ALL, BID_TIMES, "bid", BID_FIELDS, bidTime);
                default:
                    reason = "missing field event_type";
                    return false;
            }
        }
    }

    private boolean complete(
        final NexmarkEvent event,
        final int type,
        final int present,
        final int all,
        final int times,
        final String object,
        final String[] fields,
        final long dateTime)
    {
        if (present < 0)
        {
            reason = "event_type " + type + " without a " + object + " object";
            return false;
        }
        final int missing = all & ~present;
        if (missing != 0)
        {
            final int refused = policy == InputPolicy.REJECT ? missing : missing & times;
            if (refused != 0)
            {
                reason = "missing field " + object + "." + fields[Integer.numberOfTrailingZeros(refused)] +
                    (policy == InputPolicy.LENIENT ? " (a time is never read as zero)" : "");
                return false;
            }
            // The event is reused: a field the line does not have must not keep the last line's value.
            switch (type)
            {
                case NexmarkEvent.PERSON: clearPerson(event.person(), missing); break;
                case NexmarkEvent.AUCTION: clearAuction(event.auction(), missing); break;
                default: clearBid(event.bid(), missing); break;
            }
            lineDefaulted += Integer.bitCount(missing);
        }
        event.type(type).eventNumber(-1).dateTime(dateTime);
        return true;
    }

    private static void clearPerson(final NexmarkEvent.Person p, final int missing)
    {
        if ((missing & P_ID) != 0)
        {
            p.id(0);
        }
        clearIf(missing, P_NAME, p.name());
        clearIf(missing, P_EMAIL, p.emailAddress());
        clearIf(missing, P_CARD, p.creditCard());
        clearIf(missing, P_CITY, p.city());
        clearIf(missing, P_STATE, p.state());
        clearIf(missing, P_EXTRA, p.extra());
    }

    private static void clearAuction(final NexmarkEvent.Auction a, final int missing)
    {
        a.id((missing & A_ID) != 0 ? 0 : a.id())
            .initialBid((missing & A_INITIAL) != 0 ? 0 : a.initialBid())
            .reserve((missing & A_RESERVE) != 0 ? 0 : a.reserve())
            .seller((missing & A_SELLER) != 0 ? 0 : a.seller())
            .category((missing & A_CATEGORY) != 0 ? 0 : a.category());
        clearIf(missing, A_NAME, a.itemName());
        clearIf(missing, A_DESC, a.description());
        clearIf(missing, A_EXTRA, a.extra());
    }

    private static void clearBid(final NexmarkEvent.Bid b, final int missing)
    {
        b.auction((missing & B_AUCTION) != 0 ? 0 : b.auction())
            .bidder((missing & B_BIDDER) != 0 ? 0 : b.bidder())
            .price((missing & B_PRICE) != 0 ? 0 : b.price());
        clearIf(missing, B_CHANNEL, b.channel());
        clearIf(missing, B_URL, b.url());
        clearIf(missing, B_EXTRA, b.extra());
    }

    private static void clearIf(final int missing, final int bit, final Utf8Text text)
    {
        if ((missing & bit) != 0)
        {
            text.clear();
        }
    }

    /**
     * Read an integer into {@link #number}: a JSON integer, or under a lenient policy a decimal or a string that
     * is one exactly (counted as converted).
     *
     * @return false if the value is not an integer.
     */
    private boolean readLong(final JsonParser parser, final JsonToken token) throws IOException
    {
        if (token == JsonToken.VALUE_NUMBER_INT)
        {
            number = parser.getLongValue();
            return true;
        }
        if (policy != InputPolicy.LENIENT ||
            (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_STRING))
        {
            return false;
        }
        final char[] chars = parser.getTextCharacters();
        int from = parser.getTextOffset();
        int to = from + parser.getTextLength();
        while (from < to && chars[from] == ' ')
        {
            from++;
        }
        while (to > from && chars[to - 1] == ' ')
        {
            to--;
        }
        if (to - from > numberText.capacity())
        {
            return false;
        }
        for (int i = from; i < to; i++)
        {
            numberText.putByte(i - from, (byte)Math.min(chars[i], 0x7F));
        }
        final long v = io.peregrine.api.Decimals.parseIntegral(numberText, 0, to - from, numberScratch);
        if (v == io.peregrine.api.Decimals.NOT_INTEGRAL)
        {
            return false;
        }
        number = v;
        lineConverted++;
        return true;
    }

    /**
     * Parse a nested row into the event's part; returns the bit set of fields seen, -1 for null.
     */
    private int nested(final JsonParser parser, final JsonToken value, final NexmarkEvent event, final int type)
        throws IOException
    {
        if (value == JsonToken.VALUE_NULL)
        {
            return -1;
        }
        final String object = type == NexmarkEvent.PERSON ? "person" :
            type == NexmarkEvent.AUCTION ? "auction" : "bid";
        if (value != JsonToken.START_OBJECT)
        {
            reason = "wrong type for " + object + ": expected object";
            return 0;
        }
        int seen = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken token = parser.nextToken();
            final int bit;
            switch (type)
            {
                case NexmarkEvent.PERSON:
                    bit = personField(parser, token, name, event.person());
                    break;
                case NexmarkEvent.AUCTION:
                    bit = auctionField(parser, token, name, event.auction());
                    break;
                default:
                    bit = bidField(parser, token, name, event.bid());
                    break;
            }
            if (bit < 0)
            {
                reason = "wrong type for " + object + "." + name + ": expected " +
                    (bit == WRONG_NUMBER ? "integer" : bit == WRONG_TIME ? "timestamp string" : "string");
                return 0;
            }
            seen |= bit;
        }
        return seen;
    }

    private static final int WRONG_NUMBER = -1;
    private static final int WRONG_STRING = -2;
    private static final int WRONG_TIME = -3;

    private int personField(
        final JsonParser parser, final JsonToken token, final String name, final NexmarkEvent.Person p)
        throws IOException
    {
        switch (name)
        {
            case "id":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                p.id(number);
                return P_ID;
            case "name":
                return text(parser, token, p.name(), P_NAME);
            case "emailAddress":
                return text(parser, token, p.emailAddress(), P_EMAIL);
            case "creditCard":
                return text(parser, token, p.creditCard(), P_CARD);
            case "city":
                return text(parser, token, p.city(), P_CITY);
            case "state":
                return text(parser, token, p.state(), P_STATE);
            case "dateTime":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                personTime = time(parser, token);
                return personTime == Long.MIN_VALUE ? WRONG_TIME : P_TIME;
            case "extra":
                return text(parser, token, p.extra(), P_EXTRA);
            default:
                parser.skipChildren();
                return 0;
        }
    }

    private int auctionField(
        final JsonParser parser, final JsonToken token, final String name, final NexmarkEvent.Auction a)
        throws IOException
    {
        switch (name)
        {
            case "id":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                a.id(number);
                return A_ID;
            case "itemName":
                return text(parser, token, a.itemName(), A_NAME);
            case "description":
                return text(parser, token, a.description(), A_DESC);
            case "initialBid":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                a.initialBid(number);
                return A_INITIAL;
            case "reserve":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                a.reserve(number);
                return A_RESERVE;
            case "dateTime":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                auctionTime = time(parser, token);
                return auctionTime == Long.MIN_VALUE ? WRONG_TIME : A_TIME;
            case "expires":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                final long expires = time(parser, token);
                if (expires == Long.MIN_VALUE)
                {
                    return WRONG_TIME;
                }
                a.expires(expires);
                return A_EXPIRES;
            case "seller":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                a.seller(number);
                return A_SELLER;
            case "category":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                a.category(number);
                return A_CATEGORY;
            case "extra":
                return text(parser, token, a.extra(), A_EXTRA);
            default:
                parser.skipChildren();
                return 0;
        }
    }

    private int bidField(
        final JsonParser parser, final JsonToken token, final String name, final NexmarkEvent.Bid b)
        throws IOException
    {
        switch (name)
        {
            case "auction":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                b.auction(number);
                return B_AUCTION;
            case "bidder":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                b.bidder(number);
                return B_BIDDER;
            case "price":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                if (!readLong(parser, token))
                {
                    return WRONG_NUMBER;
                }
                b.price(number);
                return B_PRICE;
            case "channel":
                return text(parser, token, b.channel(), B_CHANNEL);
            case "url":
                return text(parser, token, b.url(), B_URL);
            case "dateTime":
                if (token == JsonToken.VALUE_NULL)
                {
                    return 0;
                }
                bidTime = time(parser, token);
                return bidTime == Long.MIN_VALUE ? WRONG_TIME : B_TIME;
            case "extra":
                return text(parser, token, b.extra(), B_EXTRA);
            default:
                parser.skipChildren();
                return 0;
        }
    }

    private int text(final JsonParser parser, final JsonToken token, final Utf8Text text, final int bit)
        throws IOException
    {
        if (token == JsonToken.VALUE_NULL)
        {
            return 0;
        }
        if (token != JsonToken.VALUE_STRING)
        {
            if (policy != InputPolicy.LENIENT || !token.isScalarValue())
            {
                return WRONG_STRING;
            }
            // A number or boolean where text is expected: its JSON text, as Flink's asText().
            lineConverted++;
        }
        text.clear().append(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        return bit;
    }

    private static long time(final JsonParser parser, final JsonToken token) throws IOException
    {
        if (token != JsonToken.VALUE_STRING)
        {
            return Long.MIN_VALUE;
        }
        return SqlTimestamp.parse(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    private void deadLetter(final int lineStart, final int lineEnd, final String why) throws IOException
    {
        malformedCount++;
        final int end = lineEnd > lineStart && buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        final Utf8Text out = deadLetterLine.clear();
        out.appendPadded(lineNumber, 1).append((byte)'\t').append(why).append((byte)'\t');
        out.append(buffer, lineStart, end - lineStart).append((byte)'\n');
        deadLetter.write(out.bytes(), 0, out.length());
    }

    private void closeParser() throws IOException
    {
        if (parser != null)
        {
            parser.close();
            parser = null;
        }
    }

    /** Skip whole blank lines from a line start, counting them; returns the start of the first other line. */
    private int skipBlankLines(final int from)
    {
        int lineStart = from;
        while (lineStart < regionEnd)
        {
            final int lineEnd = indexOf(lineStart, regionEnd, (byte)'\n');
            if (lineEnd == regionEnd || !isBlank(lineStart, lineEnd))
            {
                return lineStart;
            }
            lineNumber++;
            lineStart = lineEnd + 1;
        }
        return lineStart;
    }

    private boolean isBlank(final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            final byte b = buffer[i];
            if (b != ' ' && b != '\t' && b != '\r')
            {
                return false;
            }
        }
        return true;
    }

    private int indexOf(final int from, final int to, final byte b)
    {
        for (int i = from; i < to; i++)
        {
            if (buffer[i] == b)
            {
                return i;
            }
        }
        return to;
    }

    private int count(final int from, final int to, final byte b)
    {
        int n = 0;
        for (int i = from; i < to; i++)
        {
            n += buffer[i] == b ? 1 : 0;
        }
        return n;
    }

    /**
     * Move the unread bytes to the front and read until the buffer is full, the input ends, or the input has
     * nothing more ready and at least one line is complete. The region to parse ends after the last newline, so
     * a parser never sees a partial line; a line longer than the buffer grows it.
     */
    private boolean fill() throws IOException
    {
        closeParser();
        consumed += position;
        final int remaining = dataEnd - position;
        System.arraycopy(buffer, position, buffer, 0, remaining);
        dataEnd = remaining;
        position = 0;
        regionEnd = 0;
        while (true)
        {
            if (endOfInput)
            {
                regionEnd = dataEnd;
                return dataEnd > 0;
            }
            if (dataEnd < buffer.length)
            {
                if (read() && in.available() > 0)
                {
                    continue;
                }
                if (endOfInput)
                {
                    continue;
                }
                if (lastIndexOf(0, dataEnd, (byte)'\n') < 0 && dataEnd < buffer.length)
                {
                    continue;
                }
            }
            final int last = lastIndexOf(0, dataEnd, (byte)'\n');
            if (last >= 0)
            {
                regionEnd = last + 1;
                return true;
            }
            buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
        }
    }

    /** Read once into the free space; false at the end of the input. */
    private boolean read() throws IOException
    {
        final int n = in.read(buffer, dataEnd, buffer.length - dataEnd);
        if (n < 0)
        {
            endOfInput = true;
            return false;
        }
        dataEnd += n;
        return true;
    }

    private int lastIndexOf(final int from, final int to, final byte b)
    {
        for (int i = to - 1; i >= from; i--)
        {
            if (buffer[i] == b)
            {
                return i;
            }
        }
        return -1;
    }
}
