package io.peregrine.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigOptionTest
{
    private static final ConfigOption<Integer> INT = ConfigOption.intOption("count", "test.count")
        .defaultValue(5).range(1, 10).description("a count");
    private static final ConfigOption<Long> LONG = ConfigOption.longOption("ms", "test.ms")
        .defaultValue(0L).atLeast(0L).description("a time");
    private static final ConfigOption<Float> FLOAT = ConfigOption.floatOption("fill", "test.fill")
        .defaultValue(0.5f).check(f -> f > 0 && f < 1, "a number > 0 and < 1").description("a fraction");
    private static final ConfigOption<Boolean> BOOLEAN = ConfigOption.booleanOption("on", "test.on")
        .defaultValue(true).description("a switch");
    private static final ConfigOption<Path> PATH = ConfigOption.pathOption("dir", "test.dir")
        .defaultValue(Path.of("a", "b")).description("a directory");
    private static final ConfigOption<Path> OPTIONAL_PATH = ConfigOption.pathOption("maybeDir", "test.maybe.dir")
        .unset("unset (none)").description("a directory, or none");
    private static final ConfigOption<IdleStrategyKind> ENUM = ConfigOption.enumOption(
        "idle", "test.idle", IdleStrategyKind.class).defaultValue(IdleStrategyKind.BACKOFF).description("an idle strategy");

    @Test
    void shouldParseIntegersInRange()
    {
        assertEquals(7, INT.parse("7"));
        assertEquals(10, INT.parse(" 10 "));
        assertEquals(1, INT.parse("1"));
        assertMessage("test.count=0 is not valid: expected an integer in 1..10", () -> INT.parse("0"));
        assertMessage("test.count=11 is not valid: expected an integer in 1..10", () -> INT.parse("11"));
        assertMessage("test.count=seven is not valid: expected an integer in 1..10", () -> INT.parse("seven"));
        assertMessage("test.count=2.5 is not valid: expected an integer in 1..10", () -> INT.parse("2.5"));
        assertMessage("test.count=99999999999 is not valid: expected an integer in 1..10", () -> INT.parse("99999999999"));
        assertMessage("test.count=12 is not valid: expected an integer in 1..10", () -> INT.validate(12));
    }

    @Test
    void shouldParseLongsAtLeastTheirMinimum()
    {
        assertEquals(99999999999L, LONG.parse("99999999999"));
        assertEquals(0L, LONG.parse("0"));
        assertMessage("test.ms=-1 is not valid: expected an integer >= 0", () -> LONG.parse("-1"));
        assertMessage("test.ms= is not valid: expected an integer >= 0", () -> LONG.parse(""));
    }

    @Test
    void shouldParseFiniteFloatsItsCheckAccepts()
    {
        assertEquals(0.25f, FLOAT.parse("0.25"));
        assertMessage("test.fill=1.5 is not valid: expected a number > 0 and < 1", () -> FLOAT.parse("1.5"));
        assertMessage("test.fill=NaN is not valid: expected a number > 0 and < 1", () -> FLOAT.parse("NaN"));
        assertMessage("test.fill=half is not valid: expected a number > 0 and < 1", () -> FLOAT.parse("half"));
    }

    @Test
    void shouldParseOnlyTrueOrFalseAsBooleans()
    {
        assertEquals(true, BOOLEAN.parse("true"));
        assertEquals(false, BOOLEAN.parse("FALSE"));
        assertMessage("test.on=yes is not valid: expected true or false", () -> BOOLEAN.parse("yes"));
        assertMessage("test.on=1 is not valid: expected true or false", () -> BOOLEAN.parse("1"));
    }

    @Test
    void shouldParsePathsButNotBlankOnes()
    {
        assertEquals(Path.of("/tmp/x"), PATH.parse("/tmp/x"));
        assertMessage("test.dir=  is not valid: expected a path", () -> PATH.parse(" "));
        assertMessage("test.dir=unset is not valid: expected a path", () -> PATH.validate(null));
        assertNull(OPTIONAL_PATH.validate(null), "a setting unset by default may be set back to unset");
        assertNull(OPTIONAL_PATH.defaultValue());
    }

    @Test
    void shouldParseEnumsByTheirLowerCaseNamesAndNameTheAcceptedOnesWhenNot()
    {
        assertSame(IdleStrategyKind.BUSY_SPIN, ENUM.parse("busy-spin"));
        assertSame(IdleStrategyKind.YIELD, ENUM.parse("Yield"));
        assertEquals("one of busy-spin, yield, backoff, sleep", ENUM.accepted());
        assertMessage("test.idle=fast is not valid: expected one of busy-spin, yield, backoff, sleep",
            () -> ENUM.parse("fast"));
        assertMessage("test.idle=BUSY_SPIN is not valid: expected one of busy-spin, yield, backoff, sleep",
            () -> ENUM.parse("BUSY_SPIN"));
        assertEquals("sleep", ENUM.format(IdleStrategyKind.SLEEP));
    }

    @Test
    void shouldRenderDefaultsAndHelp()
    {
        assertEquals("5", INT.defaultText());
        assertEquals("true", BOOLEAN.defaultText());
        assertEquals("`backoff`", ENUM.defaultText());
        assertEquals("`" + Path.of("a", "b") + "`", PATH.defaultText());
        assertEquals("unset (none)", OPTIONAL_PATH.defaultText());
        assertEquals("A count (an integer in 1..10; default: 5; -Dtest.count).", INT.help());
        assertEquals("An idle strategy (one of busy-spin, yield, backoff, sleep; default: backoff; -Dtest.idle).",
            ENUM.help());
    }

    @Test
    void shouldRefuseADefaultOfNullUnlessDeclaredUnset()
    {
        assertThrows(NullPointerException.class, () -> ConfigOption.intOption("n", "test.n").defaultValue((Integer)null));
        assertThrows(NullPointerException.class, () -> ConfigOption.intOption("n", "test.n").description("no default"));
    }

    private static void assertMessage(final String expected, final org.junit.jupiter.api.function.Executable parse)
    {
        assertEquals(expected, assertThrows(ConfigException.class, parse).getMessage());
    }
}
