package org.privtune.ui.state;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.workbench.lifecycle.PostContextCreate;
import org.eclipse.e4.ui.workbench.lifecycle.ProcessAdditions;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.osgi.service.datalocation.Location;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * The standalone studio's life cycle: the window, layout and active views are kept from one start
 * to the next (the workbench's persisted model), as long as the application model is the one that
 * state was written with. When a new version brings another application model, the persisted state
 * is dropped once, so that no stale layout hides new views. A copy of the pristine perspective is
 * kept in the model for Window > Reset Perspective.
 */
public class StudioLifeCycle {

    /** The product's application model, relative to the bundles: bundle/path. */
    public static final String APPLICATION_XMI = "org.privtune.app/Application.e4xmi";
    /** Where the workbench keeps its model, under the instance location. */
    public static final String PERSISTED = ".metadata/.plugins/org.eclipse.e4.workbench/workbench.xmi";
    /** The checksum of the application model the persisted state was written with. */
    public static final String STAMP = ".metadata/.plugins/org.privtune.ui/application-model.sha256";

    private boolean stamped;

    @PostContextCreate
    public void postContextCreate(IEclipseContext context) {
        Object location = context.get("instanceLocation");
        stamp(location instanceof Location l ? l : instanceLocation(), true);
    }

    @ProcessAdditions
    public void processAdditions(MApplication application, EModelService models) {
        if (!stamped) {
            // too late to drop a stale model (it is loaded): only record what this start runs
            stamp(instanceLocation(), false);
        }
        PerspectiveReset.keepPristine(application, models);
    }

    /** Drops stale persisted state and records the model's checksum; says on stderr why it could not. */
    private void stamp(Location instance, boolean mayDrop) {
        URL url = instance != null ? instance.getURL() : null;
        try {
            if (url == null && System.getProperty("osgi.instance.area") != null) {
                url = new URL(System.getProperty("osgi.instance.area"));
            }
            if (url == null) {
                System.err.println("PrivTune Studio: no instance location yet; the layout of the last start is kept");
                return;
            }
            Path root = Path.of(url.toURI());
            if (mayDrop) {
                dropStaleState(root, modelChecksum());
            } else {
                Path stamp = root.resolve(STAMP);
                Files.createDirectories(stamp.getParent());
                Files.writeString(stamp, modelChecksum(), StandardCharsets.UTF_8);
            }
            stamped = true;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // keeping or not keeping the layout must never stop the studio from starting
            System.err.println("PrivTune Studio: the layout of the last start is kept as it is (" + e + ")");
        }
    }

    /**
     * Deletes the persisted model under {@code root} unless it was written with the application
     * model of {@code checksum}; records the checksum. Returns true if state was dropped.
     */
    public static boolean dropStaleState(Path root, String checksum) throws IOException {
        Path persisted = root.resolve(PERSISTED);
        Path stamp = root.resolve(STAMP);
        String previous = Files.isRegularFile(stamp) ? Files.readString(stamp, StandardCharsets.UTF_8).trim() : "";
        boolean drop = !previous.equals(checksum) && Files.exists(persisted);
        if (drop) {
            Files.delete(persisted);
        }
        Files.createDirectories(stamp.getParent());
        Files.writeString(stamp, checksum, StandardCharsets.UTF_8);
        return drop;
    }

    /**
     * A bundle context to look things up with: this bundle's, or (this bundle is not started when
     * the workbench loads classes from it) the workbench's, which is.
     */
    private static BundleContext lookup() {
        for (Class<?> c : new Class<?>[] {StudioLifeCycle.class, EModelService.class, MApplication.class}) {
            Bundle b = FrameworkUtil.getBundle(c);
            if (b != null && b.getBundleContext() != null) {
                return b.getBundleContext();
            }
        }
        return null;
    }

    /** The instance location from the OSGi services, or null. */
    private static Location instanceLocation() {
        BundleContext context = lookup();
        if (context == null) {
            return null;
        }
        try {
            for (var ref : context.getServiceReferences(Location.class, "(type=osgi.instance.area)")) {
                return context.getService(ref);
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            return null;
        }
        return null;
    }

    /** SHA-256 of the product's Application.e4xmi, or "" when it cannot be read. */
    public static String modelChecksum() throws IOException {
        BundleContext context = lookup();
        if (context == null) {
            return "";
        }
        String name = APPLICATION_XMI.substring(0, APPLICATION_XMI.indexOf('/'));
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName())) {
                URL url = b.getEntry(APPLICATION_XMI.substring(name.length() + 1));
                if (url == null) {
                    return "";
                }
                try (InputStream in = url.openStream()) {
                    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
                } catch (NoSuchAlgorithmException e) {
                    return "";
                }
            }
        }
        return "";
    }

}
