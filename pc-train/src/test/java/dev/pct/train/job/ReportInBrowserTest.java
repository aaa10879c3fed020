package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.train.config.JobConfigLoader;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke run's report.html in a real browser (headless Chromium, Debian's {@code chromium}, which .ci/run
 * installs): it loads without a script error, a failed resource or any console message; each gallery shows as many
 * decoded images as the CSV has flips, up to a page; and a screenshot of it is written to {@code
 * target/report-screenshots/}. Skipped, saying why, where no Chromium is installed.
 */
class ReportInBrowserTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final Path SCREENSHOTS = Path.of("target", "report-screenshots");
    private static final int PAGE_SIZE = 100;
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 1800;
    private static final long TIMEOUT_SECONDS = 120;

    /**
     * Put first in the page's head (of a copy beside it, so relative links resolve alike): records script errors,
     * failed resources, rejected promises and console.error, then, once the page has loaded, what each gallery
     * shows, into an attribute that --dump-dom prints.
     */
    private static final String PROBE = """
            <script>
            window.probeErrors = [];
            window.addEventListener('error', function (e) {
              probeErrors.push(e.message || ('failed to load ' + (e.target.src || e.target.href || e.target.tagName)));
            }, true);
            window.addEventListener('unhandledrejection', function (e) { probeErrors.push(String(e.reason)); });
            ['error', 'warn'].forEach(function (level) {
              var original = console[level];
              console[level] = function () {
                probeErrors.push(level + ': ' + Array.prototype.join.call(arguments, ' '));
                original.apply(console, arguments);
              };
            });
            window.addEventListener('load', function () {
              var galleries = [];
              document.querySelectorAll('#flips .card').forEach(function (card) {
                card.querySelectorAll('.panel').forEach(function (panel) {
                  var visible = 0, decoded = 0;
                  panel.querySelectorAll('figure.flip').forEach(function (f) {
                    if (f.offsetParent === null) { return; }
                    visible++;
                    var img = f.querySelector('img');
                    if (img && img.complete && img.naturalWidth > 0) { decoded++; }
                  });
                  galleries.push({model: card.querySelector('h3').firstChild.textContent.trim(),
                    panel: panel.dataset.panel, visible: visible, decoded: decoded});
                });
              });
              document.body.setAttribute('data-probe', JSON.stringify({errors: probeErrors, galleries: galleries}));
            });
            </script>
            """;

    @TempDir
    Path tmp;

    @Test
    void smokeReportLoadsShowsEveryFlipOfAPageAndScreenshots() throws IOException, InterruptedException {
        Optional<Path> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "skipped: no Chromium on PATH (looked for chromium,"
                + " chromium-browser, google-chrome); install Debian's with apt-get install -y chromium, as .ci/run"
                + " does");
        Path run = tmp.resolve("run");
        PcJob.run(JobConfigLoader.load(SMOKE, List.of()), run);
        Path html = run.resolve("report.html");
        Path probe = run.resolve("report-probe.html");
        String page = Files.readString(html);
        Files.writeString(probe, page.replaceFirst("<head>", "<head>\n" + Matcher.quoteReplacement(PROBE)));

        Result dumped = chromium(chromium.get(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
                "--dump-dom", probe.toUri().toString());
        Matcher attribute = Pattern.compile("data-probe=\"([^\"]*)\"").matcher(dumped.out());
        assertTrue(attribute.find(), "the page reached its load event; Chromium said: " + dumped.err());
        JsonNode result = new ObjectMapper().readTree(unescape(attribute.group(1)));
        assertEquals(0, result.get("errors").size(), "errors in the page: " + result.get("errors"));
        List<String> console = dumped.err().lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertEquals(List.of(), console, "the page wrote to the console");

        for (String model : List.of("baseline", "pc")) {
            long flips = Files.readAllLines(run.resolve("negative_flips_" + model + ".csv")).size() - 1;
            assertTrue(flips > 0, model + " has negative flips in the smoke run");
            JsonNode negative = gallery(result, model, "negative");
            long expected = Math.min(flips, PAGE_SIZE);
            assertEquals(expected, negative.get("visible").asLong(), model + ": figures shown, CSV has " + flips);
            assertEquals(expected, negative.get("decoded").asLong(), model + ": thumbnails the browser decoded");
            assertEquals(0, gallery(result, model, "positive").get("visible").asLong(), "positive flips are behind"
                    + " their tab");
        }

        Files.createDirectories(SCREENSHOTS);
        Path screenshot = SCREENSHOTS.resolve("smoke-report.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Result shot = chromium(chromium.get(), "--hide-scrollbars", "--window-size=" + WIDTH + "," + HEIGHT,
                "--virtual-time-budget=10000", "--screenshot=" + screenshot, html.toUri().toString());
        assertTrue(Files.exists(screenshot), "no screenshot; Chromium said: " + shot.err());
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertNotNull(image, screenshot + " is a PNG");
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < HEIGHT; y += 7) {
            for (int x = 0; x < WIDTH; x += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        // A blank or error page has a handful of colours; the report's text, tables and thumbnails have hundreds.
        assertTrue(colours.size() > 100, colours.size() + " colours in " + screenshot);
    }

    private static JsonNode gallery(JsonNode result, String model, String panel) {
        for (JsonNode g : result.get("galleries")) {
            if (g.get("model").asText().equals(model) && g.get("panel").asText().equals(panel)) {
                return g;
            }
        }
        throw new AssertionError("no " + panel + " gallery for " + model + " in " + result);
    }

    private static String unescape(String attribute) {
        return attribute.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    private record Result(String out, String err) {}

    private Result chromium(Path binary, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless=new", "--disable-gpu",
                "--no-sandbox", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile")));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Path err = Files.createTempFile(tmp, "chromium", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command);
        }
        return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The first Chromium on PATH. */
    private static Optional<Path> chromium() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            try (Stream<String> dirs = Stream.of(path.split(File.pathSeparator))) {
                Optional<Path> found = dirs.filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
                        .filter(Files::isExecutable).findFirst();
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }
}
