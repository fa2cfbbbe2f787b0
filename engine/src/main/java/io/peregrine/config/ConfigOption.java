package io.peregrine.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One setting, declared once (as Flink's {@code ConfigOption}): the name of its {@link JobContext} accessors, the
 * system property that sets it, its type, its default, the values it accepts and what it means. Parsing, validation,
 * the README's settings table and the command line's help all come from the declaration; {@link Settings} lists them.
 * <p>
 * Text is parsed strictly: an integer setting takes only an integer, a boolean only {@code true} or {@code false},
 * an enum only the names of its constants in lower case with {@code -} for {@code _} ({@link #textOf(Enum)}). A
 * value that does not parse or is out of range is a {@link ConfigException} naming the setting and what it accepts:
 * {@code peregrine.idle.strategy=fast is not valid: expected one of busy-spin, yield, backoff, sleep}.
 *
 * @param <T> the type of the value: {@link Integer}, {@link Long}, {@link Float}, {@link Boolean}, {@link Path} or an
 *            enum.
 */
public final class ConfigOption<T>
{
    private final String name;
    private final String key;
    private final Class<T> type;
    private final Function<String, T> parser;
    private final Supplier<T> defaultValue;
    private final String defaultText;
    private final boolean unsetByDefault;
    private final Predicate<T> check;
    private final String accepted;
    private final String description;

    private ConfigOption(final Builder<T> builder, final String description)
    {
        this.name = builder.name;
        this.key = builder.key;
        this.type = builder.type;
        this.parser = builder.parser;
        this.defaultValue = Objects.requireNonNull(builder.defaultValue, () -> key + " has no default");
        this.defaultText = builder.defaultText;
        this.unsetByDefault = builder.unsetByDefault;
        this.check = builder.check;
        this.accepted = builder.accepted;
        this.description = Objects.requireNonNull(description, "description");
    }

    /**
     * @param name the {@link JobContext} accessors' name, e.g. {@code sourceBatch}.
     * @param key  the system property, e.g. {@code peregrine.source.batch}.
     * @return a declaration of an {@code int} setting.
     */
    public static Builder<Integer> intOption(final String name, final String key)
    {
        return new Builder<>(name, key, Integer.class, Integer::valueOf, "an integer");
    }

    /**
     * @param name the {@link JobContext} accessors' name.
     * @param key  the system property.
     * @return a declaration of a {@code long} setting.
     */
    public static Builder<Long> longOption(final String name, final String key)
    {
        return new Builder<>(name, key, Long.class, Long::valueOf, "an integer");
    }

    /**
     * @param name the {@link JobContext} accessors' name.
     * @param key  the system property.
     * @return a declaration of a {@code float} setting; NaN and the infinities are not numbers here.
     */
    public static Builder<Float> floatOption(final String name, final String key)
    {
        return new Builder<>(name, key, Float.class, ConfigOption::parseFloat, "a number");
    }

    /**
     * @param name the {@link JobContext} accessors' name.
     * @param key  the system property.
     * @return a declaration of a {@code boolean} setting: {@code true} or {@code false}, in any case.
     */
    public static Builder<Boolean> booleanOption(final String name, final String key)
    {
        return new Builder<>(name, key, Boolean.class, ConfigOption::parseBoolean, "true or false");
    }

    /**
     * @param name the {@link JobContext} accessors' name.
     * @param key  the system property.
     * @return a declaration of a CPU list setting ({@link CpuSet}: {@code 2-5}, {@code 0,2,4}, {@code none}).
     */
    public static Builder<CpuSet> cpuSetOption(final String name, final String key)
    {
        return new Builder<>(name, key, CpuSet.class, CpuSet::parse, "a CPU list such as 2-5 or 0,2,4, or none");
    }

    /**
     * @param name the {@link JobContext} accessors' name.
     * @param key  the system property.
     * @return a declaration of a directory or file setting; blank text is not a path.
     */
    public static Builder<Path> pathOption(final String name, final String key)
    {
        return new Builder<>(name, key, Path.class, ConfigOption::parsePath, "a path");
    }

    /**
     * @param name the {@link JobContext} accessors' name.
     * @param key  the system property.
     * @param type the enum; its constants are written as {@link #textOf(Enum)} gives them.
     * @param <E>  the enum.
     * @return a declaration of a setting that takes one of the constants of {@code type}.
     */
    public static <E extends Enum<E>> Builder<E> enumOption(final String name, final String key, final Class<E> type)
    {
        final E[] constants = type.getEnumConstants();
        return new Builder<>(name, key, type, text ->
        {
            for (final E constant : constants)
            {
                if (textOf(constant).equalsIgnoreCase(text))
                {
                    return constant;
                }
            }
            throw new IllegalArgumentException(text);
        }, "one of " + Arrays.stream(constants).map(ConfigOption::textOf).collect(Collectors.joining(", ")));
    }

    /**
     * @param constant of an enum setting.
     * @return its text: the constant's name in lower case, {@code -} for {@code _} ({@code BUSY_SPIN}:
     * {@code busy-spin}).
     */
    public static String textOf(final Enum<?> constant)
    {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @return the name of the {@link JobContext} getter and setter.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the system property, e.g. {@code peregrine.shards}.
     */
    public String key()
    {
        return key;
    }

    /**
     * @return the type of the value.
     */
    public Class<T> type()
    {
        return type;
    }

    /**
     * @return what the setting means, a phrase in lower case (Markdown: {@code `code`} only).
     */
    public String description()
    {
        return description;
    }

    /**
     * @return what the setting accepts, e.g. {@code an integer in 1..1024}, {@code one of mapped, direct}.
     */
    public String accepted()
    {
        return accepted;
    }

    /**
     * @return the default, or null for a setting that is unset by default.
     */
    public T defaultValue()
    {
        return defaultValue.get();
    }

    /**
     * @return the default as the documentation gives it (Markdown), e.g. {@code 256}, {@code `backoff`} or
     * {@code available processors}.
     */
    public String defaultText()
    {
        if (defaultText != null)
        {
            return defaultText;
        }
        final T value = defaultValue();
        return value instanceof Number || value instanceof Boolean ? format(value) : "`" + format(value) + "`";
    }

    /**
     * @return help for a command-line option, plain text: the description, what is accepted, the default and the
     * system property.
     */
    public String help()
    {
        final String text = description + " (" + accepted + "; default: " + defaultText() + "; -D" + key + ").";
        return (Character.toUpperCase(text.charAt(0)) + text.substring(1)).replace("`", "");
    }

    /**
     * @param text as given in a system property or on the command line; surrounding blanks are ignored.
     * @return the value.
     * @throws ConfigException if the text does not parse or the value is not accepted.
     */
    public T parse(final String text)
    {
        final T value;
        try
        {
            value = parser.apply(text.trim());
        }
        catch (final RuntimeException e)
        {
            throw invalid(text, accepted);
        }
        return validate(value);
    }

    /**
     * @param value of the setting, e.g. given to a setter.
     * @return the value.
     * @throws ConfigException if it is not accepted; null is accepted only by a setting that is unset by default.
     */
    public T validate(final T value)
    {
        if (value == null ? !unsetByDefault : !check.test(value))
        {
            throw invalid(format(value), accepted);
        }
        return value;
    }

    /**
     * @param value    the value refused, as text.
     * @param expected what the setting accepts here.
     * @return an exception naming this setting, the value and what is expected.
     */
    public ConfigException invalid(final Object value, final String expected)
    {
        return new ConfigException(this, key + "=" + value + " is not valid: expected " + expected);
    }

    /**
     * @param value of this setting.
     * @return its text, as {@link #parse(String)} takes it; {@code unset} for null.
     */
    public String format(final T value)
    {
        return value == null ? "unset" : value instanceof Enum<?> ? textOf((Enum<?>)value) : value.toString();
    }

    public String toString()
    {
        return key;
    }

    private static Float parseFloat(final String text)
    {
        final float value = Float.parseFloat(text);
        if (!Float.isFinite(value))
        {
            throw new IllegalArgumentException(text);
        }
        return value;
    }

    private static Boolean parseBoolean(final String text)
    {
        if (!"true".equalsIgnoreCase(text) && !"false".equalsIgnoreCase(text))
        {
            throw new IllegalArgumentException(text);
        }
        return Boolean.valueOf(text);
    }

    private static Path parsePath(final String text)
    {
        if (text.isEmpty())
        {
            throw new IllegalArgumentException("blank");
        }
        return Path.of(text);
    }

    /**
     * The declaration of a setting under way: its default, then the values it accepts, then its description,
     * which ends it.
     *
     * @param <T> the type of the value.
     */
    public static final class Builder<T>
    {
        private final String name;
        private final String key;
        private final Class<T> type;
        private final Function<String, T> parser;
        private final String noun;
        private Supplier<T> defaultValue;
        private String defaultText;
        private boolean unsetByDefault;
        private Predicate<T> check = value -> true;
        private String accepted;

        private Builder(
            final String name, final String key, final Class<T> type, final Function<String, T> parser, final String noun)
        {
            this.name = Objects.requireNonNull(name, "name");
            this.key = Objects.requireNonNull(key, "key");
            this.type = type;
            this.parser = parser;
            this.noun = noun;
            this.accepted = noun;
        }

        /**
         * @param value the default.
         * @return this.
         */
        public Builder<T> defaultValue(final T value)
        {
            Objects.requireNonNull(value, "a setting without a default is declared with unset(text)");
            this.defaultValue = () -> value;
            return this;
        }

        /**
         * @param value computed when a context is made without the setting, e.g. from the machine.
         * @param text  the default as the documentation gives it, e.g. {@code available processors}.
         * @return this.
         */
        public Builder<T> defaultValue(final Supplier<T> value, final String text)
        {
            this.defaultValue = value;
            this.defaultText = text;
            return this;
        }

        /**
         * The setting is unset (null) by default, and may be set back to null.
         *
         * @param text what unset means, e.g. {@code unset (no checkpoints)}.
         * @return this.
         */
        public Builder<T> unset(final String text)
        {
            this.unsetByDefault = true;
            return defaultValue(() -> null, text);
        }

        /**
         * @param min the least value accepted.
         * @return this.
         */
        public Builder<T> atLeast(final T min)
        {
            return check(value -> compare(value, min) >= 0, noun + " >= " + min);
        }

        /**
         * @param min the least value accepted.
         * @param max the greatest value accepted.
         * @return this.
         */
        public Builder<T> range(final T min, final T max)
        {
            return check(value -> compare(value, min) >= 0 && compare(value, max) <= 0, noun + " in " + min + ".." + max);
        }

        /**
         * @param check    true for a value accepted.
         * @param accepted what {@code check} accepts, for the documentation and the errors, e.g.
         *                 {@code a power of two >= 4096}.
         * @return this.
         */
        public Builder<T> check(final Predicate<T> check, final String accepted)
        {
            this.check = check;
            this.accepted = accepted;
            return this;
        }

        /**
         * @param description what the setting means, a phrase in lower case (Markdown: {@code `code`} only).
         * @return the declaration.
         */
        public ConfigOption<T> description(final String description)
        {
            return new ConfigOption<>(this, description);
        }

        @SuppressWarnings("unchecked")
        private static <T> int compare(final T value, final T bound)
        {
            return ((Comparable<T>)value).compareTo(bound);
        }
    }
}
