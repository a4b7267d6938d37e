package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.parsers.DocumentBuilderFactory;

import org.eclipse.core.runtime.Platform;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The views an Eclipse IDE shows (org.privtune.ui's plugin.xml, e4view under Window > Show View >
 * PrivTune) are the parts the standalone studio places (org.privtune.app's Application.e4xmi): same
 * ids, names and classes, and each class is an E4 part the bundle can load. This checks the
 * contribution; releng/tests/ide-install.sh opens the views in a real Eclipse IDE.
 */
class IdeViewsTest {

    private static Document xml(Bundle bundle, String entry) throws Exception {
        URL url = bundle.getEntry(entry);
        assertNotNull(url, bundle.getSymbolicName() + " holds " + entry);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        try (InputStream in = url.openStream()) {
            return f.newDocumentBuilder().parse(in);
        }
    }

    @Test
    void theIdeViewsAreTheStudiosParts() throws Exception {
        Bundle ui = Platform.getBundle("org.privtune.ui");
        Bundle app = Platform.getBundle("org.privtune.app");
        Map<String, String[]> views = new TreeMap<>();
        NodeList e4views = xml(ui, "plugin.xml").getElementsByTagName("e4view");
        for (int i = 0; i < e4views.getLength(); i++) {
            Element v = (Element) e4views.item(i);
            assertEquals("org.privtune.ui.views", v.getAttribute("category"), v.getAttribute("id"));
            views.put(v.getAttribute("id"), new String[] {v.getAttribute("name"), v.getAttribute("class")});
        }
        Map<String, String[]> parts = new TreeMap<>();
        NodeList children = xml(app, "Application.e4xmi").getElementsByTagName("children");
        for (int i = 0; i < children.getLength(); i++) {
            Element c = (Element) children.item(i);
            if ("basic:Part".equals(c.getAttribute("xsi:type"))) {
                String uri = c.getAttribute("contributionURI");
                assertTrue(uri.startsWith("bundleclass://org.privtune.ui/"), uri);
                parts.put(c.getAttribute("elementId"),
                        new String[] {c.getAttribute("label"), uri.substring("bundleclass://org.privtune.ui/".length())});
            }
        }
        assertEquals(parts.keySet(), views.keySet(), "every part of the studio is a view in the IDE, and no other");
        assertEquals(5, views.size());
        for (Map.Entry<String, String[]> e : views.entrySet()) {
            assertEquals(parts.get(e.getKey())[0], e.getValue()[0], "name of " + e.getKey());
            assertEquals(parts.get(e.getKey())[1], e.getValue()[1], "class of " + e.getKey());
            Class<?> part = ui.loadClass(e.getValue()[1]);
            boolean postConstruct = false;
            for (Method m : part.getMethods()) {
                postConstruct |= m.isAnnotationPresent(jakarta.annotation.PostConstruct.class)
                        && m.getParameterCount() == 1 && m.getParameterTypes()[0] == org.eclipse.swt.widgets.Composite.class;
            }
            assertTrue(postConstruct, part + " builds its controls in a @PostConstruct method taking the parent Composite");
        }
    }

    /** Help > PrivTune Studio Help in the IDE: a command whose handler opens the studio's help book. */
    @Test
    void theIdeHelpCommandOpensTheHelpBook() throws Exception {
        Bundle ui = Platform.getBundle("org.privtune.ui");
        Document plugin = xml(ui, "plugin.xml");
        NodeList commands = plugin.getElementsByTagName("command");
        String handler = null;
        boolean inHelpMenu = false;
        for (int i = 0; i < commands.getLength(); i++) {
            Element c = (Element) commands.item(i);
            if ("org.privtune.ui.command.ideHelp".equals(c.getAttribute("id"))) {
                handler = c.getAttribute("defaultHandler");
            }
            if ("org.privtune.ui.command.ideHelp".equals(c.getAttribute("commandId"))) {
                inHelpMenu = ((Element) c.getParentNode()).getAttribute("locationURI").startsWith("menu:help");
            }
        }
        assertNotNull(handler, "the help command");
        assertTrue(inHelpMenu, "the command is in the Help menu");
        Class<?> type = ui.loadClass(handler);
        assertTrue(org.eclipse.core.commands.AbstractHandler.class.isAssignableFrom(type), handler + " is a handler");
        org.eclipse.core.commands.IHandler h = (org.eclipse.core.commands.IHandler) type.getConstructor().newInstance();
        h.execute(new org.eclipse.core.commands.ExecutionEvent());
        org.eclipse.swt.widgets.Shell help = org.privtune.ui.help.HelpWindow.open(org.eclipse.swt.widgets.Display.getDefault()).shell();
        try {
            assertTrue(help.isVisible(), "the help window is open");
            assertTrue(help.getText().contains(org.privtune.ui.help.HelpWindow.TITLE), help.getText());
        } finally {
            help.dispose();
        }
    }
}
