package org.privtune.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.junit.jupiter.api.Test;
import org.privtune.mechanism.MechanismSpec;

class NoiseTunerServiceTest {

    @Test
    void selectTellsWhetherTheSettingsChanged() {
        NoiseTunerService service = new NoiseTunerService();
        assertEquals(MechanismSettings.DEFAULT, service.settings());
        assertFalse(service.select(MechanismSettings.DEFAULT), "the same settings are no change");
        MechanismSettings dchi = new MechanismSettings(MechanismSpec.defaults(MechanismSpec.DCHI), 3);
        assertTrue(service.select(dchi));
        assertEquals(dchi, service.settings());
        assertFalse(service.select(new MechanismSettings(MechanismSpec.defaults(MechanismSpec.DCHI), 3)));
    }

    @Test
    void noEvaluatorUntilOneIsPutInPlace() {
        NoiseTunerService service = new NoiseTunerService();
        assertNull(service.current());
        assertNull(service.replace(null));
    }

    /** A resource handed to closeLater is closed only after the Job that holds the rule has finished. */
    @Test
    void closeLaterWaitsForRunningWork() throws Exception {
        NoiseTunerService service = new NoiseTunerService();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Job work = Job.create("evaluation", m -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("evaluation");
            return Status.OK_STATUS;
        });
        work.setRule(service.rule());
        work.schedule();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        service.closeLater("close", () -> {
            order.add("close");
            closed.countDown();
        });
        Thread.sleep(100);
        assertEquals(List.of(), order, "nothing closed while the evaluation runs");
        release.countDown();
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("evaluation", "close"), order);
    }
}
