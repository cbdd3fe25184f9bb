import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two AEAD ciphers of TLS 1.3 in the JDK's own provider, as TLS uses them: one 16 KiB record per operation with a
 * fresh nonce, on one thread. Prints MB/s per round; run by bench/cipher-throughput.sh with and without C2.
 */
public final class CipherThroughput {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int records = 6400; // 100 MiB per round
        byte[] record = new byte[16 * 1024];
        byte[] out = new byte[record.length + 16];
        for (String algorithm : new String[] {"AES/GCM/NoPadding", "ChaCha20-Poly1305"}) {
            boolean aes = algorithm.startsWith("AES");
            SecretKey key = new SecretKeySpec(new byte[aes ? 16 : 32], aes ? "AES" : "ChaCha20");
            Cipher cipher = Cipher.getInstance(algorithm);
            long nonce = 0;
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                long bytes = 0;
                for (int i = 0; i < records; i++) {
                    byte[] iv = new byte[12];
                    long n = ++nonce;
                    for (int b = 0; b < 8; b++) {
                        iv[11 - b] = (byte) (n >>> (8 * b));
                    }
                    cipher.init(Cipher.ENCRYPT_MODE, key, aes ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv));
                    bytes += cipher.doFinal(record, 0, record.length, out, 0);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("%-18s round %d: %7.1f MB/s%n", algorithm, round, bytes / 1e6 / seconds);
            }
        }
    }
}
