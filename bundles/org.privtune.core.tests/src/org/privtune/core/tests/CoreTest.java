package org.privtune.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.privtune.core.CancelledException;
import org.privtune.core.ConsoleProgress;
import org.privtune.core.InvalidInputException;

class CoreTest {

    @Test
    void invalidInputNamesFileLineAndField() {
        InvalidInputException e = new InvalidInputException("reviews.csv", 17, "label", "empty label; expected a class name");
        assertEquals("reviews.csv, line 17, field 'label': empty label; expected a class name", e.getMessage());
        assertEquals(17, e.line());
        InvalidInputException noLine = new InvalidInputException("x.json", 0, null, "not JSON");
        assertEquals("x.json: not JSON", noLine.getMessage());
    }

    @Test
    void elapsedTimeCountsFromTheProgressNotFromTheMachinesStart() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.subTask("loading"); // before any begin, as a data set load names its step
        assertTrue(p.line().contains(" elapsed 0m00s "), p.line());
        p.begin("training", 2);
        assertTrue(p.line().contains(" elapsed 0m00s"), p.line());
    }

    @Test
    void consoleProgressReportsPercentAndEtaAndCancels() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.begin("training", 4);
        p.worked(1);
        String line = p.line();
        assertTrue(line.startsWith("training  25.0% (1/4) ETA "), line);
        p.subTask("epoch 1");
        assertTrue(p.line().endsWith(" - epoch 1"), p.line());
        assertFalse(p.isCancelled());
        p.cancel();
        assertTrue(p.isCancelled());
        assertThrows(CancelledException.class, p::checkCancelled);
        p.done();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("training"));
    }
}
