package org.hotline1022.gateway.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads the kustomize tree under {@code k8s/} without kustomize: a kustomization's resources
 * (files and folders, recursively), its patches applied as strategic merges (maps merged, lists of
 * named items merged by name, other lists replaced), its namespace; and parses every document with
 * fabric8 into its typed model (CRDs become {@code GenericKubernetesResource}).
 */
final class Manifests {
  private Manifests() {}

  /** One kustomization folder, read. */
  record Kustomization(Path dir, Map<String, Object> spec) {
    List<String> list(String key) {
      Object v = spec.get(key);
      List<String> out = new ArrayList<>();
      if (v instanceof List<?> l) {
        for (Object o : l) {
          out.add(o instanceof Map<?, ?> m ? String.valueOf(m.get("path")) : String.valueOf(o));
        }
      }
      return out;
    }
  }

  static Kustomization kustomization(Path dir) {
    List<Map<String, Object>> docs = yamlDocs(dir.resolve("kustomization.yaml"));
    if (docs.size() != 1) {
      throw new AssertionError(dir + "/kustomization.yaml: expected one document");
    }
    return new Kustomization(dir, docs.get(0));
  }

  /** The documents of a YAML file as plain maps (null documents dropped). */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yamlDocs(Path file) {
    List<Map<String, Object>> out = new ArrayList<>();
    try {
      for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(file))) {
        if (doc != null) {
          out.add((Map<String, Object>) doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The raw objects a kustomization produces, patches and namespace applied; generators are
   * expanded to a ConfigMap named as declared (kustomize appends a content hash to that name).
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> build(Path dir) {
    Kustomization k = kustomization(dir);
    List<Map<String, Object>> objects = new ArrayList<>();
    for (String r : k.list("resources")) {
      Path p = dir.resolve(r).normalize();
      if (Files.isDirectory(p)) {
        objects.addAll(build(p));
      } else {
        objects.addAll(yamlDocs(p));
      }
    }
    if (k.spec().get("configMapGenerator") instanceof List<?> gens) {
      for (Object g : gens) {
        Map<String, Object> gen = (Map<String, Object>) g;
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object f : (List<Object>) gen.getOrDefault("files", List.of())) {
          Path file = dir.resolve(String.valueOf(f));
          try {
            data.put(file.getFileName().toString(), Files.readString(file));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        objects.add(new LinkedHashMap<>(Map.of("apiVersion", "v1", "kind", "ConfigMap",
            "metadata", new LinkedHashMap<>(Map.of("name", gen.get("name"))), "data", data)));
      }
    }
    for (String patchFile : k.list("patches")) {
      for (Map<String, Object> patch : yamlDocs(dir.resolve(patchFile))) {
        Map<String, Object> target = objects.stream().filter(o -> sameObject(o, patch)).findFirst()
            .orElseThrow(() -> new AssertionError(dir + "/" + patchFile + ": patches nothing (" + patch.get("kind") + " "
                + ((Map<String, Object>) patch.get("metadata")).get("name") + ")"));
        merge(target, patch);
      }
    }
    if (k.spec().get("namespace") instanceof String ns) {
      objects.forEach(o -> ((Map<String, Object>) o.get("metadata")).put("namespace", ns));
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  private static boolean sameObject(Map<String, Object> a, Map<String, Object> b) {
    return Objects.equals(a.get("kind"), b.get("kind"))
        && Objects.equals(((Map<String, Object>) a.get("metadata")).get("name"), ((Map<String, Object>) b.get("metadata")).get("name"));
  }

  /** Strategic merge as kustomize does it for these kinds: maps deep, named list items by name. */
  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> target, Map<String, Object> patch) {
    patch.forEach((key, value) -> {
      Object current = target.get(key);
      if (current instanceof Map<?, ?> cm && value instanceof Map<?, ?> vm) {
        merge((Map<String, Object>) cm, (Map<String, Object>) vm);
      } else if (current instanceof List<?> cl && value instanceof List<?> vl && named(cl) && named(vl)) {
        List<Object> merged = new ArrayList<>(cl);
        for (Object item : vl) {
          Map<String, Object> patchItem = (Map<String, Object>) item;
          Map<String, Object> existing = merged.stream().map(o -> (Map<String, Object>) o)
              .filter(o -> Objects.equals(o.get("name"), patchItem.get("name"))).findFirst().orElse(null);
          if (existing == null) {
            merged.add(0, patchItem); // kustomize puts new named items first
          } else {
            merge(existing, patchItem);
          }
        }
        target.put(key, merged);
      } else {
        target.put(key, value);
      }
    });
  }

  private static boolean named(List<?> list) {
    return !list.isEmpty() && list.stream().allMatch(o -> o instanceof Map<?, ?> m && m.get("name") != null);
  }

  /** Parses raw objects (e.g. kustomize's output) with fabric8. */
  static List<HasMetadata> typed(Collection<Map<String, Object>> raw) {
    DumperOptions opts = new DumperOptions();
    opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Yaml yaml = new Yaml(opts);
    List<HasMetadata> out = new ArrayList<>();
    for (Map<String, Object> o : raw) {
      out.add(Serialization.unmarshal(yaml.dump(o)));
    }
    return out;
  }

  /** Every YAML file under {@code root}. */
  static List<Path> yamlFiles(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Paths inside a fabric8 model object whose fields fabric8 did not recognise (they land in
   * additionalProperties): a misspelt key such as {@code readOnlyRootFileSystem} is silently ignored
   * by the API server's defaulting too, so it is found here.
   */
  static List<String> unknownFields(Object model, String path) {
    List<String> out = new ArrayList<>();
    walk(model, path, out, 0);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void walk(Object o, String path, List<String> out, int depth) {
    if (o == null || depth > 30) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        walk(item, path + "[" + i++ + "]", out, depth + 1);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, out, depth + 1));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;
      }
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          ((Map<String, Object>) extra).keySet().forEach(k -> out.add(path + "." + k));
        }
      } else {
        String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
        walk(v, path + "." + field, out, depth + 1);
      }
    }
  }
}
