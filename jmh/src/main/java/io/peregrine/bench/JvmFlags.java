package io.peregrine.bench;

/**
 * The JVM flags every benchmark fork needs, for {@code @Fork(jvmArgsAppend = ...)}: JMH forks do not
 * get {@code Add-Opens} from the jar manifest. Keep identical to the parent pom property
 * {@code peregrine.jvm.flags} (the launcher and surefire read that one; an annotation needs constants).
 */
public final class JvmFlags
{
    public static final String EXPORT_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    public static final String EXPORT_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    public static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";

    /** Every flag, in the order of the pom property. */
    public static final String[] ALL = {
        EXPORT_MISC, OPEN_LANG, OPEN_REFLECT, OPEN_NIO, EXPORT_NIO_CH, EXPORT_REF, EXPORT_JAVAC_FILE,
        NO_ANALYTICS, NO_ANNOUNCER };

    private JvmFlags()
    {
    }
}
