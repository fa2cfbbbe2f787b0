package io.peregrine.bench.nexmark;

/**
 * A reusable, mutable Nexmark event: one of a person, an auction or a bid, as in the Flink Nexmark schema
 * ({@code event_type} 0, 1 or 2 with the nested {@code person}, {@code auction} or {@code bid} row).
 * <p>
 * The generator and the JSON reader fill one instance per call; nothing is allocated per event once the text
 * fields have grown to their working size. Only the part selected by {@link #type()} is meaningful; the other two
 * keep stale values from earlier events. The event time ({@code dateTime} in the reference DDL, epoch milliseconds,
 * UTC) is held once on the event and written into the nested object by the JSON form.
 * <pre>
 *   NexmarkEvent event = new NexmarkEvent();
 *   while (generator.next(event))
 *   {
 *       if (event.type() == NexmarkEvent.BID)
 *       {
 *           long auction = event.bid().auction();
 *           ...
 *       }
 *   }
 * </pre>
 */
public final class NexmarkEvent
{
    /** {@code event_type} of a new person. */
    public static final int PERSON = 0;
    /** {@code event_type} of a new auction. */
    public static final int AUCTION = 1;
    /** {@code event_type} of a bid. */
    public static final int BID = 2;

    private final Person person = new Person();
    private final Auction auction = new Auction();
    private final Bid bid = new Bid();
    private int type = BID;
    private long eventNumber = -1;
    private long dateTime;

    /**
     * @return {@link #PERSON}, {@link #AUCTION} or {@link #BID}.
     */
    public int type()
    {
        return type;
    }

    /**
     * @param type {@link #PERSON}, {@link #AUCTION} or {@link #BID}.
     * @return this for a fluent API.
     */
    public NexmarkEvent type(final int type)
    {
        this.type = type;
        return this;
    }

    /**
     * @return the generator's event number, or -1 when the event was read from a file.
     */
    public long eventNumber()
    {
        return eventNumber;
    }

    /**
     * @param eventNumber the generator's event number, -1 if unknown.
     * @return this for a fluent API.
     */
    public NexmarkEvent eventNumber(final long eventNumber)
    {
        this.eventNumber = eventNumber;
        return this;
    }

    /**
     * @return event time in epoch milliseconds (the reference's {@code dateTime}).
     */
    public long dateTime()
    {
        return dateTime;
    }

    /**
     * @param dateTime event time in epoch milliseconds.
     * @return this for a fluent API.
     */
    public NexmarkEvent dateTime(final long dateTime)
    {
        this.dateTime = dateTime;
        return this;
    }

    /**
     * @return the person part, meaningful when {@link #type()} is {@link #PERSON}.
     */
    public Person person()
    {
        return person;
    }

    /**
     * @return the auction part, meaningful when {@link #type()} is {@link #AUCTION}.
     */
    public Auction auction()
    {
        return auction;
    }

    /**
     * @return the bid part, meaningful when {@link #type()} is {@link #BID}.
     */
    public Bid bid()
    {
        return bid;
    }

    /**
     * Copy another event into this one (the selected part only).
     *
     * @param other event to copy.
     * @return this for a fluent API.
     */
    public NexmarkEvent copyFrom(final NexmarkEvent other)
    {
        type = other.type;
        eventNumber = other.eventNumber;
        dateTime = other.dateTime;
        switch (other.type)
        {
            case PERSON:
                person.copyFrom(other.person);
                break;
            case AUCTION:
                auction.copyFrom(other.auction);
                break;
            default:
                bid.copyFrom(other.bid);
                break;
        }
        return this;
    }

    /**
     * Equality of the selected part and the event time, ignoring {@link #eventNumber()}.
     *
     * @param other event to compare with.
     * @return true if both describe the same Nexmark event.
     */
    public boolean sameContentAs(final NexmarkEvent other)
    {
        if (type != other.type || dateTime != other.dateTime)
        {
            return false;
        }
        switch (type)
        {
            case PERSON:
                return person.sameContentAs(other.person);
            case AUCTION:
                return auction.sameContentAs(other.auction);
            default:
                return bid.sameContentAs(other.bid);
        }
    }

    /**
     * @return a readable form for tests and diagnostics (allocates).
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append("NexmarkEvent{n=").append(eventNumber).append(", dateTime=").append(dateTime).append(", ");
        switch (type)
        {
            case PERSON:
                sb.append(person);
                break;
            case AUCTION:
                sb.append(auction);
                break;
            default:
                sb.append(bid);
                break;
        }
        return sb.append('}').toString();
    }

    /**
     * A new person: {@code id, name, emailAddress, creditCard, city, state, dateTime, extra}.
     */
    public static final class Person
    {
        private long id;
        private final Utf8Text name = new Utf8Text(32);
        private final Utf8Text emailAddress = new Utf8Text(32);
        private final Utf8Text creditCard = new Utf8Text(32);
        private final Utf8Text city = new Utf8Text(32);
        private final Utf8Text state = new Utf8Text(8);
        private final Utf8Text extra = new Utf8Text(256);

        /**
         * @return person id.
         */
        public long id()
        {
            return id;
        }

        /**
         * @param id person id.
         * @return this for a fluent API.
         */
        public Person id(final long id)
        {
            this.id = id;
            return this;
        }

        /**
         * @return name, e.g. "Peter Jones".
         */
        public Utf8Text name()
        {
            return name;
        }

        /**
         * @return email address.
         */
        public Utf8Text emailAddress()
        {
            return emailAddress;
        }

        /**
         * @return credit card number as four groups of four digits.
         */
        public Utf8Text creditCard()
        {
            return creditCard;
        }

        /**
         * @return city.
         */
        public Utf8Text city()
        {
            return city;
        }

        /**
         * @return US state code, e.g. "OR".
         */
        public Utf8Text state()
        {
            return state;
        }

        /**
         * @return padding to the average person size.
         */
        public Utf8Text extra()
        {
            return extra;
        }

        void copyFrom(final Person o)
        {
            id = o.id;
            name.set(o.name);
            emailAddress.set(o.emailAddress);
            creditCard.set(o.creditCard);
            city.set(o.city);
            state.set(o.state);
            extra.set(o.extra);
        }

        boolean sameContentAs(final Person o)
        {
            return id == o.id && name.equals(o.name) && emailAddress.equals(o.emailAddress) &&
                creditCard.equals(o.creditCard) && city.equals(o.city) && state.equals(o.state) &&
                extra.equals(o.extra);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Person{id=" + id + ", name=" + name + ", emailAddress=" + emailAddress + ", creditCard=" +
                creditCard + ", city=" + city + ", state=" + state + ", extra=" + extra + '}';
        }
    }

    /**
     * A new auction: {@code id, itemName, description, initialBid, reserve, dateTime, expires, seller, category,
     * extra}.
     */
    public static final class Auction
    {
        private long id;
        private final Utf8Text itemName = new Utf8Text(32);
        private final Utf8Text description = new Utf8Text(128);
        private long initialBid;
        private long reserve;
        private long expires;
        private long seller;
        private long category;
        private final Utf8Text extra = new Utf8Text(512);

        /**
         * @return auction id.
         */
        public long id()
        {
            return id;
        }

        /**
         * @param id auction id.
         * @return this for a fluent API.
         */
        public Auction id(final long id)
        {
            this.id = id;
            return this;
        }

        /**
         * @return item name.
         */
        public Utf8Text itemName()
        {
            return itemName;
        }

        /**
         * @return description.
         */
        public Utf8Text description()
        {
            return description;
        }

        /**
         * @return initial bid in cents.
         */
        public long initialBid()
        {
            return initialBid;
        }

        /**
         * @param initialBid initial bid in cents.
         * @return this for a fluent API.
         */
        public Auction initialBid(final long initialBid)
        {
            this.initialBid = initialBid;
            return this;
        }

        /**
         * @return reserve price in cents.
         */
        public long reserve()
        {
            return reserve;
        }

        /**
         * @param reserve reserve price in cents.
         * @return this for a fluent API.
         */
        public Auction reserve(final long reserve)
        {
            this.reserve = reserve;
            return this;
        }

        /**
         * @return expiry time, epoch milliseconds.
         */
        public long expires()
        {
            return expires;
        }

        /**
         * @param expires expiry time, epoch milliseconds.
         * @return this for a fluent API.
         */
        public Auction expires(final long expires)
        {
            this.expires = expires;
            return this;
        }

        /**
         * @return person id of the seller.
         */
        public long seller()
        {
            return seller;
        }

        /**
         * @param seller person id of the seller.
         * @return this for a fluent API.
         */
        public Auction seller(final long seller)
        {
            this.seller = seller;
            return this;
        }

        /**
         * @return category id (10 to 14 from the generator).
         */
        public long category()
        {
            return category;
        }

        /**
         * @param category category id.
         * @return this for a fluent API.
         */
        public Auction category(final long category)
        {
            this.category = category;
            return this;
        }

        /**
         * @return padding to the average auction size.
         */
        public Utf8Text extra()
        {
            return extra;
        }

        void copyFrom(final Auction o)
        {
            id = o.id;
            itemName.set(o.itemName);
            description.set(o.description);
            initialBid = o.initialBid;
            reserve = o.reserve;
            expires = o.expires;
            seller = o.seller;
            category = o.category;
            extra.set(o.extra);
        }

        boolean sameContentAs(final Auction o)
        {
            return id == o.id && itemName.equals(o.itemName) && description.equals(o.description) &&
                initialBid == o.initialBid && reserve == o.reserve && expires == o.expires && seller == o.seller &&
                category == o.category && extra.equals(o.extra);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Auction{id=" + id + ", itemName=" + itemName + ", description=" + description + ", initialBid=" +
                initialBid + ", reserve=" + reserve + ", expires=" + expires + ", seller=" + seller + ", category=" +
                category + ", extra=" + extra + '}';
        }
    }

    /**
     * A bid: {@code auction, bidder, price, channel, url, dateTime, extra}.
     */
    public static final class Bid
    {
        private long auction;
        private long bidder;
        private long price;
        private final Utf8Text channel = new Utf8Text(16);
        private final Utf8Text url = new Utf8Text(96);
        private final Utf8Text extra = new Utf8Text(128);

        /**
         * @return auction id bid on.
         */
        public long auction()
        {
            return auction;
        }

        /**
         * @param auction auction id bid on.
         * @return this for a fluent API.
         */
        public Bid auction(final long auction)
        {
            this.auction = auction;
            return this;
        }

        /**
         * @return person id of the bidder.
         */
        public long bidder()
        {
            return bidder;
        }

        /**
         * @param bidder person id of the bidder.
         * @return this for a fluent API.
         */
        public Bid bidder(final long bidder)
        {
            this.bidder = bidder;
            return this;
        }

        /**
         * @return price in cents.
         */
        public long price()
        {
            return price;
        }

        /**
         * @param price price in cents.
         * @return this for a fluent API.
         */
        public Bid price(final long price)
        {
            this.price = price;
            return this;
        }

        /**
         * @return channel, e.g. "Google" or "channel-1234".
         */
        public Utf8Text channel()
        {
            return channel;
        }

        /**
         * @return url the bid came from.
         */
        public Utf8Text url()
        {
            return url;
        }

        /**
         * @return padding to the average bid size.
         */
        public Utf8Text extra()
        {
            return extra;
        }

        void copyFrom(final Bid o)
        {
            auction = o.auction;
            bidder = o.bidder;
            price = o.price;
            channel.set(o.channel);
            url.set(o.url);
            extra.set(o.extra);
        }

        boolean sameContentAs(final Bid o)
        {
            return auction == o.auction && bidder == o.bidder && price == o.price && channel.equals(o.channel) &&
                url.equals(o.url) && extra.equals(o.extra);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Bid{auction=" + auction + ", bidder=" + bidder + ", price=" + price + ", channel=" + channel +
                ", url=" + url + ", extra=" + extra + '}';
        }
    }
}
