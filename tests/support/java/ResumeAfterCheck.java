import com.example.sse.StreamIds;
import java.io.BufferedReader;
import java.io.InputStreamReader;

/** Reads "lastEventId<TAB>newestId" lines and prints StreamIds.resumeAfter for each, one per line. */
public class ResumeAfterCheck {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] parts = line.split("\t", -1);
            System.out.println(StreamIds.resumeAfter(parts[0], parts[1]));
        }
    }
}
