/* EpubcheckBatch: validate many EPUBs with epubcheck in one JVM (each JVM start costs ~10 s).
 *
 *   java -cp /usr/share/java/epubcheck.jar tests/EpubcheckBatch.java BOOK.epub...
 *
 * Uses epubcheck's Java API (com.adobe.epubcheck.api.EpubCheck) with a report that prints, for
 * every file, its messages and one summary line:
 *
 *   MSG <path> <SEVERITY> <ID> <entry>:<line>:<column> <message>
 *   (INFO messages only with EPUBCHECK_INFO=1; they are not counted)
 *   RESULT <path> fatal=<n> error=<n> warning=<n> usage=<n>
 *
 * Exit status: 0 when no book has a fatal error, error or warning, 1 otherwise, 2 on usage
 * errors, 3 when epubcheck did not finish a book within EPUBCHECK_TIMEOUT seconds (default
 * 300; the books after it are not checked). Runs with the Java source launcher (JDK 11+; on Debian the launcher's compiler module
 * ships in openjdk-*-jre-headless, so default-jre-headless is enough). */
import com.adobe.epubcheck.api.EPUBLocation;
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.api.MasterReport;
import com.adobe.epubcheck.messages.Message;
import com.adobe.epubcheck.messages.Severity;
import com.adobe.epubcheck.util.FeatureEnum;
import java.io.File;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;

public class EpubcheckBatch {
    /* Collects one book's messages; counts by severity. */
    static final class BatchReport extends MasterReport {
        final String path;
        final PrintStream out;
        int fatal, error, warning, usage;
        /* EPUBCHECK_INFO=1: print INFO messages too (they are never counted) */
        final boolean infos = "1".equals(System.getenv("EPUBCHECK_INFO"));

        BatchReport(String path, PrintStream out) {
            super();
            this.path = path;
            this.out = out;
            setEpubFileName(path);
        }

        @Override
        public void message(Message message, EPUBLocation location, Object... args) {
            Severity sev = message.getSeverity();
            switch (sev) {
            case FATAL: fatal++; break;
            case ERROR: error++; break;
            case WARNING: warning++; break;
            case USAGE: usage++; return; /* counted, not printed: usage hints are advice */
            case INFO: if (infos) break; return;
            default: return;
            }
            String where = "-";
            if (location != null) {
                String p = location.getPath();
                where = (p == null || p.isEmpty() ? "-" : p) + ":" + Math.max(location.getLine(), 0)
                        + ":" + Math.max(location.getColumn(), 0);
            }
            String text = printable(message.getMessage(args));
            out.println("MSG " + path + " " + sev + " " + message.getID().name().replace('_', '-')
                        + " " + printable(where) + " " + text);
        }

        @Override
        public void info(String resource, FeatureEnum feature, String value) {}

        @Override
        public int generate() { return 0; }

        @Override
        public void initialize() {}
    }

    /* Control characters (entry names may hold NUL bytes) become '?'. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
        }
        return b.toString();
    }

    public static void main(String[] args) throws UnsupportedEncodingException, InterruptedException {
        /* epubcheck 4.2.6 can run for ever on hostile input (a billion-laughs document): give
         * each book EPUBCHECK_TIMEOUT seconds (default 300), then report it and go on. */
        long timeout = 300;
        String env = System.getenv("EPUBCHECK_TIMEOUT");
        if (env != null && env.matches("[0-9]+"))
            timeout = Long.parseLong(env);
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        if (args.length == 0) {
            System.err.println("usage: java -cp epubcheck.jar EpubcheckBatch.java BOOK.epub...");
            System.exit(2);
        }
        boolean bad = false;
        for (String path : args) {
            BatchReport report = new BatchReport(path, out);
            Throwable[] thrown = new Throwable[1];
            Thread worker = new Thread(() -> {
                try {
                    new EpubCheck(new File(path), report).doValidate();
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            });
            worker.setDaemon(true);
            worker.start();
            worker.join(timeout * 1000);
            if (worker.isAlive()) {
                report.fatal++;
                out.println("MSG " + path + " FATAL TIMEOUT - epubcheck did not finish within "
                            + timeout + " s");
                out.println("RESULT " + path + " fatal=" + report.fatal + " error=" + report.error
                            + " warning=" + report.warning + " usage=" + report.usage);
                out.flush();
                /* the worker cannot be stopped safely: end here, the rest is not checked */
                System.exit(3);
            }
            if (thrown[0] != null) {
                /* epubcheck itself failed on this file: count it as fatal, go on with the rest */
                report.fatal++;
                out.println("MSG " + path + " FATAL JAVA - epubcheck threw " + printable(thrown[0].toString()));
            }
            out.println("RESULT " + path + " fatal=" + report.fatal + " error=" + report.error
                        + " warning=" + report.warning + " usage=" + report.usage);
            if (report.fatal + report.error + report.warning > 0)
                bad = true;
        }
        out.flush();
        System.exit(bad ? 1 : 0);
    }
}
