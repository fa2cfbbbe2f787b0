package io.peregrine.config;

/**
 * A setting given a value it does not accept; the message names the setting's system property, the value and what
 * is accepted: {@code peregrine.shards=0 is not valid: expected an integer in 1..1024}.
 */
public final class ConfigException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final transient ConfigOption<?> option;

    ConfigException(final ConfigOption<?> option, final String message)
    {
        super(message);
        this.option = option;
    }

    /**
     * @return the setting.
     */
    public ConfigOption<?> option()
    {
        return option;
    }
}
