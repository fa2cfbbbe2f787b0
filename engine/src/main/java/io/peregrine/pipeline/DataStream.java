package io.peregrine.pipeline;

import io.peregrine.api.Field;
import io.peregrine.api.FilterFunction;
import io.peregrine.api.FlatMapFunction;
import io.peregrine.api.KeySelector;
import io.peregrine.api.MapFunction;
import io.peregrine.api.PipelineException;
import io.peregrine.api.Schema;
import io.peregrine.api.Sink;
import io.peregrine.api.Source;
import io.peregrine.api.Windows;
import io.peregrine.plan.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * A stream of rows of one schema. Stateless operators chain onto it; {@link #keyBy} partitions it
 * for keyed state. Each method takes the new operator's name first, or names it after its kind and ordinal when
 * called without one (see {@link Pipeline} on names).
 */
public class DataStream
{
    final Pipeline pipeline;
    final Node node;

    DataStream(final Pipeline pipeline, final Node node)
    {
        this.pipeline = pipeline;
        this.node = node;
    }

    public Schema schema()
    {
        return node.schema;
    }

    public String name()
    {
        return node.name;
    }

    /**
     * What the operator that makes this stream does when its user function (a map, filter, flatMap, aggregate,
     * reduce, window, process or join function) throws on a record, instead of the job's
     * {@link io.peregrine.config.Settings#ERROR_POLICY}: fail the job, or send the record to the operator's
     * dead-letter file and count it. Key selectors always fail the job.
     *
     * @param policy the operator's policy.
     * @return this stream.
     */
    public DataStream onError(final io.peregrine.config.ErrorPolicy policy)
    {
        if (node.kind == Node.Kind.SOURCE)
        {
            throw new PipelineException("source '" + node.name + "': onError applies to operators with a user " +
                "function; a source dead-letters malformed input by its input policy");
        }
        node.errorPolicy(java.util.Objects.requireNonNull(policy, "policy"));
        return this;
    }

    /**
     * One row out per row in, written through a writer started on a row of {@code outSchema}.
     */
    public DataStream map(final String name, final Schema outSchema, final MapFunction fn)
    {
        return new DataStream(pipeline, pipeline.add(Node.builder(Node.Kind.MAP, name, List.of(node), outSchema).map(fn)));
    }

    /**
     * {@link #map(String, Schema, MapFunction)} named {@code map-<n>}.
     */
    public DataStream map(final Schema outSchema, final MapFunction fn)
    {
        return map(pipeline.generatedName(Node.Kind.MAP), outSchema, fn);
    }

    public DataStream filter(final String name, final FilterFunction fn)
    {
        return new DataStream(pipeline, pipeline.add(Node.builder(Node.Kind.FILTER, name, List.of(node), node.schema).filter(fn)));
    }

    /**
     * {@link #filter(String, FilterFunction)} named {@code filter-<n>}.
     */
    public DataStream filter(final FilterFunction fn)
    {
        return filter(pipeline.generatedName(Node.Kind.FILTER), fn);
    }

    public DataStream flatMap(final String name, final Schema outSchema, final FlatMapFunction fn)
    {
        return new DataStream(pipeline, pipeline.add(
            Node.builder(Node.Kind.FLAT_MAP, name, List.of(node), outSchema).flatMap(fn)));
    }

    /**
     * {@link #flatMap(String, Schema, FlatMapFunction)} named {@code flat-map-<n>}.
     */
    public DataStream flatMap(final Schema outSchema, final FlatMapFunction fn)
    {
        return flatMap(pipeline.generatedName(Node.Kind.FLAT_MAP), outSchema, fn);
    }

    /**
     * @param name   of the union.
     * @param others streams of the same schema.
     * @return their records merged; the watermark is the minimum over the inputs.
     */
    public DataStream union(final String name, final DataStream... others)
    {
        final List<Node> inputs = new ArrayList<>();
        inputs.add(node);
        for (final DataStream other : others)
        {
            if (other.pipeline != pipeline)
            {
                throw new PipelineException("union '" + name + "': stream '" + other.name() + "' is of another pipeline");
            }
            if (other.node.schema != node.schema)
            {
                throw new PipelineException("union '" + name + "': stream '" + other.name() + "' has schema '" +
                    other.node.schema.name() + "', not '" + node.schema.name() + "'");
            }
            inputs.add(other.node);
        }
        return new DataStream(pipeline, pipeline.add(Node.builder(Node.Kind.UNION, name, inputs, node.schema)));
    }

    /**
     * {@link #union(String, DataStream...)} named {@code union-<n>}.
     */
    public DataStream union(final DataStream... others)
    {
        return union(pipeline.generatedName(Node.Kind.UNION), others);
    }

    /**
     * Partition by a key: equal keys meet on one shard, where keyed operators keep their state.
     *
     * @param name of the exchange.
     * @param key  extracts the key.
     * @return the keyed stream.
     */
    public KeyedStream keyBy(final String name, final KeySelector key)
    {
        return new KeyedStream(pipeline, pipeline.add(Node.builder(Node.Kind.KEY_BY, name, List.of(node), node.schema).key(key)));
    }

    /**
     * {@link #keyBy(String, KeySelector)} named {@code key-by-<n>}.
     */
    public KeyedStream keyBy(final KeySelector key)
    {
        return keyBy(pipeline.generatedName(Node.Kind.KEY_BY), key);
    }

    public KeyedStream keyBy(final String name, final Field.Int64 field)
    {
        node.schema.checkOwns(field, "keyBy '" + name + "'");
        return keyBy(name, row -> row.getLong(field));
    }

    /**
     * Key by a 64-bit field, the keyBy named {@code key-by-<n>}.
     */
    public KeyedStream keyBy(final Field.Int64 field)
    {
        return keyBy(pipeline.generatedName(Node.Kind.KEY_BY), field);
    }

    public KeyedStream keyBy(final String name, final Field.Int32 field)
    {
        node.schema.checkOwns(field, "keyBy '" + name + "'");
        return keyBy(name, row -> row.getInt(field));
    }

    /**
     * Key by a 32-bit field, the keyBy named {@code key-by-<n>}.
     */
    public KeyedStream keyBy(final Field.Int32 field)
    {
        return keyBy(pipeline.generatedName(Node.Kind.KEY_BY), field);
    }

    /**
     * Key by a fixed-length ASCII field of up to 8 characters, kept exactly (its bytes are the key, no hash: distinct
     * texts never share state); the {@code key} column of an aggregate after it is the text, {@code ASCII} of the
     * field's width. A wider field is refused: a 64-bit key could not keep every text apart.
     */
    public KeyedStream keyBy(final String name, final Field.Ascii field)
    {
        node.schema.checkOwns(field, "keyBy '" + name + "'");
        if (field.width() > 8)
        {
            throw new PipelineException("keyBy '" + name + "' on ASCII field '" + field.name() + "' of " + field.width() +
                " characters: a key is 64 bits, so text keys of up to 8 characters are kept exactly and a longer one " +
                "would be reduced to a hash, under which different texts could share state. Key by a field of up to 8 " +
                "characters, or by an int64 id of the text (assigned by your own dictionary in a map)");
        }
        final KeyedStream keyed = keyBy(name, row -> row.asciiKey(field));
        keyed.keyBy.keyField(field);
        return keyed;
    }

    /**
     * Key by a fixed-length ASCII field of up to 8 characters, the keyBy named {@code key-by-<n>}.
     */
    public KeyedStream keyBy(final Field.Ascii field)
    {
        return keyBy(pipeline.generatedName(Node.Kind.KEY_BY), field);
    }

    /**
     * All records to one shard, for global windows (top-N over all keys): key 0.
     */
    public WindowedStream windowAll(final String name, final Windows windows)
    {
        return keyBy(name, row -> 0L).window(windows);
    }

    /**
     * A lookup join with reference data read when the job starts: each row with the reference rows of its key; see
     * {@link LookupJoin}.
     *
     * @param reference    a bounded source of the reference rows (a CSV file, a collection).
     * @param referenceKey the key of a reference row.
     * @param key          the key of a row of this stream.
     * @return the join, to finish with {@link LookupJoin#apply}.
     */
    public LookupJoin lookupJoin(final Source reference, final KeySelector referenceKey, final KeySelector key)
    {
        return new LookupJoin(this, reference, referenceKey, key);
    }

    /**
     * {@link #windowAll(String, Windows)}, its keyBy named {@code key-by-<n>}.
     */
    public WindowedStream windowAll(final Windows windows)
    {
        return windowAll(pipeline.generatedName(Node.Kind.KEY_BY), windows);
    }

    /**
     * Write the stream to a sink.
     *
     * @param name of the sink, unique in the pipeline.
     * @param sink where the rows go.
     * @return the sink's handle.
     */
    public SinkHandle sink(final String name, final Sink sink)
    {
        return new SinkHandle(pipeline.add(Node.builder(Node.Kind.SINK, name, List.of(node), node.schema).sink(sink)));
    }

    /**
     * {@link #sink(String, Sink)} named {@code sink-<n>}.
     */
    public SinkHandle sink(final Sink sink)
    {
        return sink(pipeline.generatedName(Node.Kind.SINK), sink);
    }
}
