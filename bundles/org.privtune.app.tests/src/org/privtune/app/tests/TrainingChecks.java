package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Shell;
import org.privtune.cloud.MiniLmTops;
import org.privtune.cloud.TopModelServer;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.protocol.EndpointKeys;
import org.privtune.protocol.TransportSecurity;
import org.privtune.ui.training.SplitTrainingPart;
import org.privtune.ui.tuner.MechanismSelection;

/**
 * Drives the Split Training view against a real cloud endpoint started in the test (MiniLM's top
 * on the loopback interface, TLS 1.3 with a key made by keytool, an access token): a refused field
 * is named and starts nothing; then a short run with the Noise Tuner's mechanism, the endpoint's
 * certificate and token typed into the view, trains the top remotely, charts every step, fetches
 * the top and exports a model folder.
 */
final class TrainingChecks {

    private static final int SENTENCES = 256;
    private static final int EPOCHS = 2;
    private static final String PASS = "ui-test-store-pass";
    private Path certificate;
    private String token;

    private final IEclipseContext context;
    private final Shell shell;
    private SplitTrainingPart part;
    private NDManager manager;
    private TopModelServer server;
    private final List<String> serverLog = Collections.synchronizedList(new ArrayList<>());
    private Path out;
    /** Scratch folders of the run (the export's parent and the endpoint's keys), deleted after the checks. */
    private Path outDir;
    private Path tlsDir;

    TrainingChecks(IEclipseContext context, Shell shell) {
        this.context = context;
        this.shell = shell;
    }

    void start() {
        EPartService parts = context.get(EPartService.class);
        MPart mpart = parts.findPart(SplitTrainingPart.ID);
        assertNotNull(mpart, "the Split Training view is in the application model");
        parts.showPart(mpart, EPartService.PartState.ACTIVATE);
        part = (SplitTrainingPart) mpart.getObject();
        assertNotNull(part, "the Split Training view was created");
        assertEquals(MechanismSelection.STUDIO.get().spec().toString(), part.mechanismText().getText(),
                "the view starts with the Noise Tuner's mechanism");
        try {
            manager = DjlRuntime.pytorch().newBaseManager();
            tlsDir = Files.createTempDirectory("privtune-training-tls");
            EndpointKeys.Generated keys = EndpointKeys.generate(tlsDir,
                    "localhost", PASS.toCharArray(), 2);
            certificate = keys.certificate();
            token = TransportSecurity.readToken(keys.token());
            server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new MiniLmTops(manager), serverLog::add,
                    TransportSecurity.server(keys.keyStore(), PASS.toCharArray()), token);
            outDir = Files.createTempDirectory("privtune-training-ui");
            out = outDir.resolve("model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a refused field is named and nothing starts
        part.outText().setText("");
        part.start();
        assertFalse(part.isBusy());
        assertTrue(part.statusText().contains("export to"), part.statusText());

        part.outText().setText(out.toString());
        part.limitSpinner().setSelection(SENTENCES);
        part.epochsSpinner().setSelection(EPOCHS);
        part.remoteButton().setSelection(true);
        part.inProcessButton().setSelection(false);
        part.remoteButton().notifyListeners(SWT.Selection, null);
        part.endpointText().setText("localhost:" + server.port());
        part.certificateText().setText(certificate.toString());
        part.tokenText().setText(token);
        part.start();
        assertTrue(part.isBusy(), "the run started: " + part.statusText());
    }

    boolean checked() {
        if (part.isBusy()) {
            return false;
        }
        try {
            assertNotNull(part.result(), "the run finished: " + part.statusText() + "\n" + part.logText().getText());
            assertEquals("localhost:" + server.port(), part.result().endpoint());
            int steps = EPOCHS * (SENTENCES / 32);
            assertEquals(steps, part.lossData().getSeries(0).getItemCount(), "one loss point per step");
            assertTrue(Files.isRegularFile(out.resolve("model.safetensors")), "the model was exported");
            assertTrue(Files.isRegularFile(out.resolve("config.json")));
            assertTrue(part.logText().getText().contains("cloud endpoint localhost:" + server.port()),
                    part.logText().getText());
            assertTrue(part.statusText().startsWith("Done: test accuracy"), part.statusText());
            assertEquals(1, server.sessionsOpened());
            assertTrue(server.isTls(), "the run went over TLS 1.3 with the certificate and token typed in the view");
            assertTrue(part.result().bytesSent() > 0);
            System.out.println("split training view: " + part.statusText());
            StudioWorkbenchTest.settle(shell.getDisplay());
            StudioWorkbenchTest.screenshot(shell.getDisplay(), shell, "split-training.png");
            return true;
        } finally {
            server.close(); // returns once every session is freed: then the engine may go
            manager.close();
            // the exported model is 173 MB: delete it so that builds do not fill /tmp
            StudioWorkbenchTest.deleteTree(outDir);
            StudioWorkbenchTest.deleteTree(tlsDir);
        }
    }
}
