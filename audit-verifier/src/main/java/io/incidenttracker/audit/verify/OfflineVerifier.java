package io.incidenttracker.audit.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Verifies an audit export offline: no database, no network, nothing but the JDK. Usage:
 * <pre>
 * java -jar audit-verifier.jar export.ndjson PUBLIC_KEY
 * </pre>
 * PUBLIC_KEY is the log's Ed25519 public key, obtained through a channel the verifier trusts: base64 of the raw 32
 * bytes or of the X.509 form, or a file holding either (raw bytes, base64 text or a PEM "PUBLIC KEY"). The export
 * may be {@code -} for standard input. Prints VALID, or INVALID with the first bad index; exits 0 when valid, 1 when
 * invalid, 2 on a usage or read error.
 */
public final class OfflineVerifier {

    private OfflineVerifier() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Verifies and prints the verdict on {@code out}; answers the exit code. */
    static int run(PrintStream out, String[] args) {
        if (args.length != 2) {
            System.err.println("usage: OfflineVerifier <export.ndjson | -> <public key: base64 or file>");
            return 2;
        }
        byte[] key;
        try {
            key = readPublicKey(args[1]);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("cannot read the public key: " + e.getMessage());
            return 2;
        }
        ExportVerifier.Result result;
        try (BufferedReader reader = "-".equals(args[0])
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            result = new ExportVerifier(key).verify(reader);
        } catch (IOException e) {
            System.err.println("cannot read the export: " + e.getMessage());
            return 2;
        }
        out.println(describe(result));
        return result.valid() ? 0 : 1;
    }

    static String describe(ExportVerifier.Result result) {
        if (result.valid()) {
            return "VALID: " + result.entries() + " entries, each included in the signed checkpoint of tree size "
                    + result.checkpoint().treeSize() + " (root " + Hex.encode(result.checkpoint().rootHash())
                    + ", log " + result.checkpoint().origin() + ")";
        }
        return result.firstInvalidIndex() == null
                ? "INVALID: " + result.reason()
                : "INVALID at index " + result.firstInvalidIndex() + ": " + result.reason();
    }

    static byte[] readPublicKey(String argument) throws IOException {
        Path path = Path.of(argument);
        String text;
        if (argument.length() < 4096 && Files.isRegularFile(path)) {
            byte[] content = Files.readAllBytes(path);
            if (content.length == 32) {
                return content;
            }
            text = new String(content, StandardCharsets.US_ASCII);
        } else {
            text = argument;
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Ed25519.rawFromEncoded(Base64.getDecoder().decode(base64));
    }
}
