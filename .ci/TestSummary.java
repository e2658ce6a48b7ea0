import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The end of .ci/run's console: one line per test suite with skipped tests and why (the reasons are
 * otherwise only in Surefire's XML reports), then one total over every module.
 *
 * <p>Run with the JDK's single-file launcher: {@code java .ci/TestSummary.java ROOT [SINCE_EPOCH_SECONDS]}.
 * Reports older than SINCE (left over from an earlier build) are ignored.
 */
public final class TestSummary {

    private TestSummary() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        FileTime since = FileTime.fromMillis(args.length > 1 ? Long.parseLong(args[1]) * 1000 : 0);
        List<Path> reports = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                // Large trees that never hold test reports: the repository, and unpacked tools such as Keycloak.
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return name.equals(".git") || name.equals("node_modules") || name.equals("keycloak")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (isSurefireReport(file) && attributes.lastModifiedTime().compareTo(since) >= 0) {
                    reports.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        reports.sort(null);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        DocumentBuilder parser = factory.newDocumentBuilder();

        long tests = 0;
        long failed = 0;
        long skipped = 0;
        Map<String, Set<String>> reasons = new TreeMap<>();
        Map<String, Integer> skippedPerSuite = new TreeMap<>();
        for (Path report : reports) {
            Document document = parser.parse(report.toFile());
            Element suite = document.getDocumentElement();
            // Counted per test case: a class template's suite (a test class run once per database) reports
            // tests="0" on its suite element while its cases are all there.
            NodeList cases = suite.getElementsByTagName("testcase");
            long failedCases = 0;
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                if (testCase.getElementsByTagName("failure").getLength() > 0 || testCase.getElementsByTagName("error").getLength() > 0) {
                    failedCases++;
                }
            }
            tests += Math.max(number(suite, "tests"), cases.getLength());
            failed += Math.max(number(suite, "failures") + number(suite, "errors"), failedCases);
            long skippedCases = 0;
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                NodeList skips = testCase.getElementsByTagName("skipped");
                if (skips.getLength() == 0) {
                    continue;
                }
                skippedCases++;
                String name = testCase.getAttribute("classname");
                if (name.isEmpty()) {
                    name = suite.getAttribute("name");
                }
                String message = ((Element) skips.item(0)).getAttribute("message").strip();
                reasons.computeIfAbsent(name, key -> new TreeSet<>()).add(message.isEmpty() ? "no reason given" : oneLine(message));
                skippedPerSuite.merge(name, 1, Integer::sum);
            }
            skipped += Math.max(number(suite, "skipped"), skippedCases);
        }
        if (!reasons.isEmpty()) {
            System.out.println();
            System.out.println("Skipped test suites (" + reasons.size() + "):");
            reasons.forEach((suite, why) -> System.out.println("SKIPPED " + suite + " (" + skippedPerSuite.get(suite) + " "
                    + (skippedPerSuite.get(suite) == 1 ? "test" : "tests") + "): " + String.join("; ", why)));
        }
        System.out.println();
        System.out.println(reports.size() + " test report files read.");
        System.out.println("Tests: " + (tests - failed - skipped) + " passed, " + failed + " failed, " + skipped + " skipped");
    }

    private static boolean isSurefireReport(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("TEST-") && name.endsWith(".xml") && file.getParent() != null
                && file.getParent().getFileName().toString().equals("surefire-reports");
    }

    private static long number(Element element, String attribute) {
        String value = element.getAttribute(attribute);
        try {
            return value.isEmpty() ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 400 ? line.substring(0, 400) + "…" : line;
    }
}
