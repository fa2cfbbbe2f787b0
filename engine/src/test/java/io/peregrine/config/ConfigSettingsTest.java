package io.peregrine.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalogue is whole: every setting has its accessors on {@link JobContext}, a {@code peregrine.} key of its own,
 * a description, and a default it accepts.
 */
class ConfigSettingsTest
{
    @Test
    void everySettingHasAGetterAndAFluentSetterOnJobContext() throws NoSuchMethodException
    {
        for (final ConfigOption<?> option : Settings.all())
        {
            final Class<?> type = Settings.javaType(option.type());
            final Method getter = JobContext.class.getMethod(option.name());
            assertEquals(type, getter.getReturnType(), option.key() + ": " + getter);
            final Method setter = JobContext.class.getMethod(option.name(), type);
            assertEquals(JobContext.class, setter.getReturnType(), option.key() + ": " + setter);
        }
    }

    @Test
    void everySettingIsDeclaredInTheCatalogueAndListed() throws IllegalAccessException
    {
        final Set<Object> declared = new HashSet<>();
        for (final java.lang.reflect.Field field : Settings.class.getFields())
        {
            if (field.getType() == ConfigOption.class && Modifier.isStatic(field.getModifiers()))
            {
                declared.add(field.get(null));
            }
        }
        assertEquals(declared, new HashSet<>(Settings.all()), "every ConfigOption constant is declare()d");
    }

    @Test
    void everySettingHasItsOwnKeyADescriptionAndAValidDefault()
    {
        final Set<String> keys = new HashSet<>();
        final Set<String> names = new HashSet<>();
        for (final ConfigOption<?> option : Settings.all())
        {
            assertTrue(option.key().startsWith("peregrine."), option.key());
            assertTrue(keys.add(option.key()), "two settings have the key " + option.key());
            assertTrue(names.add(option.name()), "two settings have the name " + option.name());
            assertFalse(option.description().isBlank(), option.key());
            assertFalse(option.accepted().isBlank(), option.key());
            assertValidDefault(option);
            assertSame(option, Settings.byKey(option.key()));
        }
        assertFalse(Settings.isKey("peregrine.no.such.setting"));
    }

    @Test
    void enumSettingsAcceptEveryConstantByItsText()
    {
        for (final ConfigOption<?> option : Settings.all())
        {
            if (option.type().isEnum())
            {
                for (final Object constant : option.type().getEnumConstants())
                {
                    final String text = ConfigOption.textOf((Enum<?>)constant);
                    assertSame(constant, option.parse(text), option.key());
                    assertEquals(text, constant.toString(), "toString is the text the setting takes");
                }
                assertEquals("one of " + String.join(", ", Arrays.stream(option.type().getEnumConstants())
                    .map(Object::toString).toArray(String[]::new)), option.accepted());
            }
        }
    }

    private static <T> void assertValidDefault(final ConfigOption<T> option)
    {
        final T value = option.defaultValue();
        option.validate(value);
        if (value != null)
        {
            assertEquals(value, option.parse(option.format(value)), option.key() + ": the default's text parses back");
        }
    }
}
