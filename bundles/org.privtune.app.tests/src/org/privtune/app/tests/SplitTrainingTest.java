package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDManager;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.privtune.cloud.ModelTops;
import org.privtune.cloud.TopModelServer;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.protocol.EndpointKeys;
import org.privtune.protocol.TransportSecurity;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.training.SplitTrainingPart;

/**
 * The Split Training view alone in a shell, against a real cloud endpoint started in the test
 * (MiniLM's top on the loopback interface, TLS 1.3 with a key made by keytool, an access token): a
 * refused field is named and starts nothing; then a short run with the Noise Tuner's mechanism, the
 * endpoint's certificate and token typed into the view, trains the top remotely, charts every
 * step, fetches the top and exports a model folder. A run cancelled during its dev evaluation
 * says so and writes nothing.
 */
class SplitTrainingTest {

    private static final int SENTENCES = 256;
    private static final int EPOCHS = 2;
    private static final String PASS = "ui-test-store-pass";

    @Test
    void trainsAgainstACloudEndpointAndExports() throws Exception {
        Path tlsDir = Files.createTempDirectory("privtune-training-tls");
        Path outDir = Files.createTempDirectory("privtune-training-ui");
        List<String> serverLog = Collections.synchronizedList(new ArrayList<>());
        try (PartHarness ui = new PartHarness("Split Training", 1200, 800);
                NDManager manager = DjlRuntime.pytorch().newBaseManager()) {
            EndpointKeys.Generated keys = EndpointKeys.generate(tlsDir, "localhost", PASS.toCharArray(), 2);
            String token = TransportSecurity.readToken(keys.token());
            try (TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new ModelTops(manager), serverLog::add, TransportSecurity.server(keys.keyStore(), PASS.toCharArray()),
                    token)) {
                NoiseTunerService tuner = ui.context.get(NoiseTunerService.class);
                ui.make(SplitTrainingPart.class);
                assertEquals(tuner.settings().spec().toShortString(), ui.find("mechanism", Text.class).getText(),
                        "the view starts with the Noise Tuner's mechanism, in its short form");
                Label status = ui.find("status", Label.class);
                Button start = ui.find("start", Button.class);
                Path out = outDir.resolve("model");

                // a refused field is named and nothing starts
                ui.find("out", Text.class).setText("");
                PartHarness.select(start);
                assertEquals(0, Job.getJobManager().find(SplitTrainingPart.ID).length);
                assertTrue(status.getText().contains("export to"), status.getText());

                checkPresets(ui);
                ui.find("out", Text.class).setText(out.toString());
                ui.find("limit", Spinner.class).setSelection(SENTENCES);
                ui.find("epochs", Spinner.class).setSelection(EPOCHS);
                Button remote = ui.find("remote", Button.class);
                remote.setSelection(true);
                ui.find("inProcess", Button.class).setSelection(false);
                PartHarness.select(remote);
                ui.find("endpoint", Text.class).setText("localhost:" + server.port());
                ui.find("certificate", Text.class).setText(keys.certificate().toString());
                ui.find("token", Text.class).setText(token);
                PartHarness.select(start);
                assertEquals(1, Job.getJobManager().find(SplitTrainingPart.ID).length, "the run started: " + status.getText());
                assertTrue(!start.isEnabled(), "no second run while one runs");
                ui.waitIdle(SplitTrainingPart.ID);
                ui.waitUntil("the start button back", start::isEnabled);

                String log = ui.find("log", Text.class).getText();
                assertTrue(status.getText().startsWith("Done: test accuracy"), status.getText() + "\n" + log);
                assertTrue(status.getText().contains("(localhost:" + server.port() + ","), status.getText());
                XYSeriesCollection loss = (XYSeriesCollection) ui.find("lossChart", ChartCanvas.class).getChart()
                        .getXYPlot().getDataset();
                assertEquals(EPOCHS * (SENTENCES / 32), loss.getSeries(0).getItemCount(), "one loss point per step");
                assertTrue(Files.isRegularFile(out.resolve("model.safetensors")), "the model was exported");
                assertTrue(Files.isRegularFile(out.resolve("config.json")));
                assertTrue(log.contains("cloud endpoint localhost:" + server.port()), log);
                java.util.regex.Matcher sent = java.util.regex.Pattern.compile(
                        "fetched the trained top from the cloud; [1-9]\\d* requests, ([0-9.]+) MB sent").matcher(log);
                assertTrue(sent.find() && Double.parseDouble(sent.group(1)) > 0, "requests and bytes went out: " + log);
                assertEquals(1, server.sessionsOpened());
                assertTrue(server.isTls(), "the run went over TLS 1.3 with the certificate and token typed in the view");
                System.out.println("split training view: " + status.getText());
                ui.screenshot("split-training.png");
            }
        } finally {
            // the exported model is 173 MB: delete it so that builds do not fill /tmp
            StudioWorkbenchTest.deleteTree(outDir);
            StudioWorkbenchTest.deleteTree(tlsDir);
        }
    }

    /**
     * The preset picker fills the mechanism field (short) and the split layer, with the preset's
     * line under it; a typed @NAME is read as that preset; a parameter the mechanism does not read
     * is refused by name.
     */
    private static void checkPresets(PartHarness ui) {
        Combo presets = ui.find("preset", Combo.class);
        Text mechanism = ui.find("mechanism", Text.class);
        Label check = ui.find("mechanismCheck", Label.class);
        for (MechanismPresets.BuiltIn b : MechanismPresets.BUILT_IN) {
            assertTrue(Arrays.asList(presets.getItems()).contains("@" + b.name()), "listed: @" + b.name());
        }
        MechanismPresets.BuiltIn dchi = MechanismPresets.builtIn("dchi-eps16");
        mechanism.setText("@dchi-eps16");
        assertTrue(check.getText().contains(dchi.description()) && check.getText().contains("dchi:eps=16"), check.getText());
        mechanism.setText("dchi:eps=4,rho=3");
        assertEquals(check.getDisplay().getSystemColor(SWT.COLOR_RED), check.getForeground(), check.getText());
        assertTrue(check.getText().contains("rho") && check.getText().contains("not a parameter of dchi"), check.getText());
        MechanismPresets.BuiltIn eps16 = MechanismPresets.builtIn("privtune-eps16");
        presets.select(Arrays.asList(presets.getItems()).indexOf("@privtune-eps16"));
        PartHarness.select(presets);
        assertEquals(eps16.spec().toShortString(), mechanism.getText(), "the preset's mechanism, short");
        assertEquals(eps16.split(), ui.find("split", Spinner.class).getSelection());
        assertTrue(check.getText().contains(eps16.description()), check.getText());
    }

    @Test
    void aCancelDuringTheDevEvaluationSaysCancelledAndWritesNothing() throws Exception {
        Path outDir = Files.createTempDirectory("privtune-training-cancel");
        try (PartHarness ui = new PartHarness("Split Training", 1200, 800)) {
            ui.make(SplitTrainingPart.class);
            Label status = ui.find("status", Label.class);
            Button start = ui.find("start", Button.class);
            ui.find("out", Text.class).setText(outDir.resolve("model").toString());
            ui.find("mechanism", Text.class).setText("none");
            ui.find("limit", Spinner.class).setSelection(32); // one step, then 450 dev sentences
            ui.find("epochs", Spinner.class).setSelection(1);
            ui.find("remote", Button.class).setSelection(false);
            Button inProcess = ui.find("inProcess", Button.class);
            inProcess.setSelection(true);
            PartHarness.select(inProcess);
            PartHarness.select(start);
            ui.waitUntil("the dev evaluation", () -> status.getText().contains("dev evaluation"));
            PartHarness.select(ui.find("cancel", Button.class));
            ui.waitIdle(SplitTrainingPart.ID);
            ui.waitUntil("the start button back", start::isEnabled);
            assertTrue(status.getText().startsWith("Cancelled"), status.getText());
            try (var files = Files.list(outDir)) {
                assertEquals(List.of(), files.toList(), "no export folder, no partial one");
            }
        } finally {
            StudioWorkbenchTest.deleteTree(outDir);
        }
    }
}
