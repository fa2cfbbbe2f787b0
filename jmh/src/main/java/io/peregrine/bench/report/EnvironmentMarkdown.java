package io.peregrine.bench.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code environment.md} of a benchmark report: what the results were measured on and with. CPU, cores, memory
 * (from {@code /proc} where there is one), OS and kernel, the JVM and its arguments, the git commit, the command and
 * every setting of the run.
 */
final class EnvironmentMarkdown
{
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String command = "";
    private Path gitDirectory = Path.of(".");

    /**
     * @param command the exact command line that produced the results.
     */
    void command(final String command)
    {
        this.command = command;
    }

    /**
     * @param name  setting name.
     * @param value setting value.
     */
    void setting(final String name, final Object value)
    {
        settings.put(name, String.valueOf(value));
    }

    /**
     * @param directory where to ask {@code git rev-parse HEAD} for the commit.
     */
    void gitDirectory(final Path directory)
    {
        this.gitDirectory = directory;
    }

    /**
     * @return the markdown of {@code environment.md}.
     */
    String render()
    {
        final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        final StringBuilder sb = new StringBuilder(2048);
        sb.append("# Environment\n\n");
        sb.append("| item | value |\n| --- | --- |\n");
        row(sb, "CPU model", cpuModel());
        row(sb, "cores (available to the JVM)", String.valueOf(Runtime.getRuntime().availableProcessors()));
        row(sb, "logical processors (/proc/cpuinfo)", String.valueOf(countCpuInfo("processor")));
        row(sb, "memory (/proc/meminfo MemTotal)", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        row(sb, "OS", osName());
        row(sb, "kernel", System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")");
        row(sb, "JVM", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " " +
            System.getProperty("java.runtime.version", System.getProperty("java.version")));
        row(sb, "JVM max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        row(sb, "JVM input arguments", "`" + String.join(" ", runtime.getInputArguments()) + "`");
        row(sb, "git commit", gitCommit());
        row(sb, "command", command.isEmpty() ? "-" : "`" + command + "`");
        row(sb, "written", Instant.now().toString());
        sb.append("\n## Settings\n\n");
        if (settings.isEmpty())
        {
            sb.append("(none passed in)\n");
        }
        else
        {
            sb.append("| setting | value |\n| --- | --- |\n");
            for (final Map.Entry<String, String> e : settings.entrySet())
            {
                row(sb, e.getKey(), e.getValue());
            }
        }
        return sb.toString();
    }

    private static void row(final StringBuilder sb, final String name, final String value)
    {
        sb.append("| ").append(name).append(" | ").append(value.replace("|", "\\|").replace("\n", "<br>"))
            .append(" |\n");
    }

    private static String cpuModel()
    {
        final String model = firstValue(Path.of("/proc/cpuinfo"), "model name");
        return model.equals("unknown") ? System.getProperty("os.arch") + " (no model name in /proc/cpuinfo)" : model;
    }

    private static int countCpuInfo(final String key)
    {
        try
        {
            int count = 0;
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8))
            {
                if (line.startsWith(key) && line.substring(key.length()).trim().startsWith(":"))
                {
                    count++;
                }
            }
            return count;
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
    }

    private static String firstValue(final Path file, final String key)
    {
        try
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                if (line.startsWith(key))
                {
                    final int colon = line.indexOf(':');
                    if (colon > 0)
                    {
                        return line.substring(colon + 1).trim();
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // Not Linux, or not readable: reported as unknown.
        }
        return "unknown";
    }

    private static String osName()
    {
        String pretty = "";
        try
        {
            for (final String line : Files.readAllLines(Path.of("/etc/os-release"), StandardCharsets.UTF_8))
            {
                if (line.startsWith("PRETTY_NAME="))
                {
                    pretty = " - " + line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // No os-release: the JVM's name is enough.
        }
        return System.getProperty("os.name") + pretty;
    }

    private String gitCommit()
    {
        try
        {
            final Process process = new ProcessBuilder("git", "rev-parse", "HEAD")
                .directory(gitDirectory.toFile()).redirectErrorStream(true).start();
            final String output;
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                output = reader.readLine();
            }
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && output != null)
            {
                return output.trim();
            }
            process.destroy();
        }
        catch (final IOException ex)
        {
            return "unavailable (" + ex.getMessage() + ")";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return "unavailable";
    }
}
