package io.peregrine.cli;

import io.peregrine.config.ConfigException;
import io.peregrine.config.ConfigOption;
import io.peregrine.config.JobContext;
import io.peregrine.config.Settings;
import picocli.CommandLine;

import java.util.ListResourceBundle;

/**
 * Command-line options that are settings ({@link Settings}). A command whose {@code resourceBundle} is this class
 * declares one as {@code @Option(names = "--shards", descriptionKey = "peregrine.shards") String shards;}: its help is
 * the setting's ({@link ConfigOption#help()}: meaning, accepted values, default, system property), and
 * {@link #applyTo(CommandLine.Model.CommandSpec, JobContext)} sets the value given on the job's context. An option
 * not given leaves the setting to its system property or its default.
 */
public final class SettingOptions extends ListResourceBundle
{
    protected Object[][] getContents()
    {
        return Settings.all().stream()
            .map(option -> new Object[]{ option.key(), option.help().replace("%", "%%") })
            .toArray(Object[][]::new);
    }

    /**
     * @param spec    a command, after parsing.
     * @param context of the job it runs.
     * @return {@code context}, with the settings given on the command line.
     * @throws CommandLine.ParameterException for a value the setting does not accept, naming the option, the setting
     * and the values it accepts.
     */
    public static JobContext applyTo(final CommandLine.Model.CommandSpec spec, final JobContext context)
    {
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (final CommandLine.Model.OptionSpec option : spec.options())
        {
            final String key = option.descriptionKey();
            if (key != null && Settings.isKey(key) && parsed.hasMatchedOption(option))
            {
                set(spec, option, Settings.byKey(key), context);
            }
        }
        return context;
    }

    private static <T> void set(
        final CommandLine.Model.CommandSpec spec,
        final CommandLine.Model.OptionSpec option,
        final ConfigOption<T> setting,
        final JobContext context)
    {
        try
        {
            context.set(setting, setting.parse(String.valueOf((Object)option.getValue())));
        }
        catch (final ConfigException e)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '" + option.longestName() + "': " + e.getMessage());
        }
    }
}
