package org.privtune.attack.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ResultFilesCsvTest {

    @Test
    void rowsAreWrittenAsTheAuditAndTableScriptsReadThem() throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Metrics.ACCURACY, 0.92);
        m.put(Metrics.MACRO_F1, 0.000431593123);
        SettingResult dchi = new SettingResult(new Setting("dchi", 16, 1), "dchi:eps=16.0,n=2,k=10", m);
        SettingResult quoted = new SettingResult(new Setting("privtune-swap:keep=0.3;n=3", 0.5, 2),
                "privtune-swap:note=\"x\",n=3", Map.of(Metrics.ACCURACY, 1234567.0));
        String empties = ",".repeat(Metrics.ALL.size() - 2);
        String expected = "mechanism,eps,seed,spec," + String.join(",", Metrics.ALL) + "\n"
                + "dchi,16,1,\"dchi:eps=16.0,n=2,k=10\",0.920000,0.000431593" + empties + "\n"
                + "privtune-swap:keep=0.3;n=3,0.5,2,\"privtune-swap:note=\"\"x\"\",n=3\",1.23457e+06,"
                + empties + "\n";
        assertEquals(expected, ResultFiles.csv(List.of(dchi, quoted)));
    }
}
