package org.privtune.core.tests.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.privtune.core.tests.docs.ResultsTables.Csv;

/**
 * docs/results.md shows what the result CSVs hold: its generated tables and the frontier chart
 * are compared with what {@link ResultsTables} makes of the committed CSVs.
 */
class ResultsTablesTest {

    private static final Path ROOT = ResultsTables.root(Path.of(""));

    @Test
    void committedTablesAndChartAreWhatTheCsvsGive() throws Exception {
        List<String> stale = ResultsTables.stale(ROOT);
        assertTrue(stale.isEmpty(), "docs/results.md differs from docs/results/*.csv in " + stale
                + "; regenerate with releng/docs/results-tables.sh and commit the result");
    }

    @Test
    void aChangedResultChangesThePageSoTheCheckCanFail() throws Exception {
        String text = Files.readString(ROOT.resolve(ResultsTables.FULL_CSV), StandardCharsets.UTF_8);
        Csv full = Csv.parse("full", text);
        Csv grid = Csv.read(ROOT.resolve(ResultsTables.GRID_CSV));
        String page = Files.readString(ROOT.resolve(ResultsTables.RESULTS_MD), StandardCharsets.UTF_8);
        Csv wire = Csv.read(ROOT.resolve(ResultsTables.WIRE_CSV));
        Csv datasets = Csv.read(ROOT.resolve(ResultsTables.DATASETS_CSV));
        Csv models = Csv.read(ROOT.resolve(ResultsTables.MODELS_CSV));
        String committed = ResultsTables.apply(page, ResultsTables.blocks(full, grid, wire, datasets, models));
        assertEquals(page, committed, "the committed page is the generated one");

        // one run of the paper's mechanism is measured 0.05 less accurate
        Map<String, String> row = full.rows().stream()
                .filter(r -> r.get("mechanism").equals("privtune") && r.get("eps").equals("16")).findFirst()
                .orElseThrow();
        row.put("accuracy", Double.toString(Double.parseDouble(row.get("accuracy")) - 0.05));
        Map<String, String> changed = ResultsTables.blocks(full, grid);
        assertNotEquals(page, ResultsTables.apply(page, changed));
        assertNotEquals(ResultsTables.blocks(Csv.parse("full", text), grid).get("baselines-full"),
                changed.get("baselines-full"));
    }

    @Test
    void theWireTableShowsEveryRowAndItsPriors() {
        Csv wire = Csv.parse("w.csv", """
                data,mechanism,eps,seed,spec,accuracy,inversion_asr,s_bow_precision,s_bow_prior,s_bow_content_precision,s_bow_content_prior,r_known_top1,r_wrong_top1,r_secret_top1,m_len_acc,m_len_majority
                sentiment,none,0,1,"none",0.867,1.0,0.407,0.300,0.064,0.017,0.98,0.98,0.98,0.853,0.380
                spam,dchi:specials=clean,16,1,"dchi",0.533,0.92,0.35,0.30,,0.02,0.985,0.505,0.535,0.853,0.380
                """);
        String t = ResultsTables.wireTable(wire);
        assertTrue(t.contains("| sentiment | `none` | - | 0.867 | 1.000 | 0.407 (0.300) | 0.064 (0.017) | 0.980 / 0.980 / 0.980 | 0.853 (0.380) |"), t);
        assertTrue(t.contains("| spam | `dchi:specials=clean` | 16 | 0.533 |"), t);
        assertTrue(t.contains("| - (0.020) |"), "a missing value is a dash: " + t);
    }

    @Test
    void theDataSetTablesReadEachSetAgainstItsOwnNone() {
        Csv csv = Csv.parse("d.csv", """
                data,mechanism,eps,seed,spec,accuracy,inversion_asr,a1_top1,a2_top1,b1_source_acc,b1_source_majority,b2_length_acc,b2_length_majority,s_bow_content_precision,s_bow_content_prior,m_len_acc,m_len_majority
                spam,none,0,1,"none",0.90,1.0,0.98,0.6,0.67,0.42,0.99,0.99,0.08,0.02,0.99,0.99
                spam,dchi,16,1,"dchi",0.88,0.60,0.60,0.3,0.58,0.42,0.99,0.99,0.06,0.02,0.99,0.99
                spam,coded,100,1,"c",0.80,0.08,0.05,0.04,0.45,0.42,0.99,0.99,0.03,0.02,0.99,0.99
                reuters,none,0,1,"none",0.95,1.0,0.98,0.6,,,0.50,0.40,0.08,0.02,0.50,0.40
                reuters,coded,100,1,"c",0.93,0.09,0.05,0.04,,,0.45,0.40,0.03,0.02,0.50,0.40
                """);
        String t = ResultsTables.datasetsTable(csv);
        // the drop is against the set's own none; the attribute gain is the largest over B1-B4 that ran
        assertTrue(t.contains("| spam | `dchi` | 16 | 1 | 0.880 | 2.0 | 0.600 | 0.600 | 0.300 | 0.160 | 0.060 (0.020) | 0.990 (0.990) |"), t);
        assertTrue(t.contains("| reuters | `coded` | 100 | 1 | 0.930 | 2.0 | 0.090 |"), t);
        String target = ResultsTables.datasetsTargetTable(csv);
        assertTrue(target.contains("| spam | 0.900 | 10.0 points (`coded`, ASR 0.080) | 0.600 (`dchi` 16, 2.0 points) | no |"), target);
        assertTrue(target.contains("| reuters | 0.950 | 2.0 points (`coded`, ASR 0.090) | 0.090 (`coded` 100, 2.0 points) | yes |"), target);
    }

    @Test
    void tablesReadMeansAndSampleDeviationsOverSeeds() {
        Csv csv = Csv.parse("t.csv", """
                mechanism,eps,seed,spec,accuracy,inversion_asr,a0_top1,a1_top1,a2_top1,a3_top1,a4_top1,b1_source_acc,b1_source_majority,b2_length_majority,b3_number_name_majority
                none,0,1,"none:eps=20.0,n=2",0.90,1.0,0.1,0.98,0.9,1.0,,0.8,0.34,0.37,0.77
                none,0,2,"none:eps=20.0,n=2",0.92,1.0,0.1,0.98,0.9,1.0,,0.8,0.34,0.37,0.77
                privtune-swap:keep=0.3;n=3;pool=200;kept=canon;poolcanon=1;shuffle=1,100,1,"x",0.70,0.10,0.05,0.1,0.08,0.07,0.1,0.4,0.34,0.37,0.77
                privtune-swap:keep=0.3;n=3;pool=200;kept=canon;poolcanon=1;shuffle=1,100,2,"x",0.80,0.12,0.05,0.1,0.08,0.07,0.12,0.4,0.34,0.37,0.77
                privtune-swap:keep=0.3,100,1,"x",0.60,0.50,,0.2,0.4,0.2,0.5,0.6,0.34,0.37,0.77
                """);
        String table = ResultsTables.paretoTable(csv);
        // the coded setting: mean 0.750, sample sd 0.0707; drop 16.0 points against none's 0.910
        assertTrue(table.contains("| `coded;pool=200` | 100 | 2 | 0.750 ± 0.071 | 16.0 |"), table);
        // keep=0.3 is less accurate and less private than the coded setting: not on the frontier
        assertTrue(!table.contains("privtune-swap:keep=0.3`"), table);
        assertTrue(table.contains("| `none` | - | 2 | 0.910 ± 0.014 | - |"), table);
    }

    @Test
    void aPageWithoutTheMarkersIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultsTables.apply("# Results\n", Map.of("pareto-full", "x\n")));
        assertTrue(e.getMessage().contains("<!-- generated: pareto-full -->"), e.getMessage());
    }
}
