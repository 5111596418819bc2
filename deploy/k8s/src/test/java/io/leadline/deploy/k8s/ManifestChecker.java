package io.leadline.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cross-checks one rendered overlay against itself and against the services' configuration, and
 * returns every problem found, one sentence each (empty when the overlay is consistent).
 *
 * <p>Objects made by operators count as present: a CloudNativePG {@code Cluster} X brings the Secret
 * {@code X-app} (username, password, jdbc-uri, …) and the Service {@code X-rw} over its primary; an
 * {@code ExternalSecret} brings its target Secret with the keys it lists; a cert-manager
 * {@code Certificate} brings its Secret (tls.crt, tls.key, ca.crt); an Ingress with a cert-manager
 * issuer annotation brings its TLS Secret. A {@code ClusterIssuer}, like a {@code ClusterSecretStore},
 * is the cluster's and counts as present.
 */
final class ManifestChecker {

    static final String INGRESS_CONTROLLER_NAMESPACE = "ingress-nginx";
    static final Map<String, String> INGRESS_CONTROLLER_LABELS = Map.of("app.kubernetes.io/name", "ingress-nginx");
    static final Map<String, String> DNS_LABELS = Map.of("k8s-app", "kube-dns");
    static final Set<String> CNPG_APP_SECRET_KEYS = Set.of("username", "user", "password", "dbname", "host", "port",
            "uri", "jdbc-uri", "pgpass");
    static final Set<String> CERT_MANAGER_SECRET_KEYS = Set.of("tls.crt", "tls.key", "ca.crt");

    private final Manifests m;
    private final Map<String, ServiceConfig> services;
    private final List<String> problems = new ArrayList<>();

    private ManifestChecker(Manifests manifests, Map<String, ServiceConfig> services) {
        this.m = manifests;
        this.services = services;
    }

    static List<String> check(Manifests manifests, Map<String, ServiceConfig> services) {
        ManifestChecker c = new ManifestChecker(manifests, services);
        c.checkServicesAgainstTheirConfiguration();
        c.checkReferences();
        c.checkServiceSelectorsAndPorts();
        c.checkDisruptionBudgetsAndAutoscalers();
        c.checkIngress();
        c.checkNetworkPaths();
        return List.copyOf(new LinkedHashSet<>(c.problems));
    }

    private void problem(String text) {
        problems.add(text);
    }

    // --- the three services: image, port, probes, environment, rollout and security ---------------------

    private void checkServicesAgainstTheirConfiguration() {
        for (ServiceConfig cfg : services.values()) {
            Optional<Deployment> found = m.find(Deployment.class, cfg.name());
            if (found.isEmpty()) {
                problem("Deployment " + cfg.name() + " is missing");
                continue;
            }
            Deployment d = found.get();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Optional<Container> container = pod.getContainers().stream().filter(c -> c.getName().equals(cfg.name())).findFirst();
            if (container.isEmpty()) {
                problem("Deployment " + cfg.name() + " has no container named " + cfg.name());
                continue;
            }
            Container c = container.get();
            String where = "Deployment " + cfg.name();
            if (!Kustomize.imageName(c.getImage()).endsWith("/" + cfg.name())) {
                problem(where + ": image " + c.getImage() + " is not an image of " + cfg.name());
            }
            Optional<ContainerPort> http = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst();
            if (http.isEmpty()) {
                problem(where + ": no container port named http");
            } else if (http.get().getContainerPort() != cfg.httpPort()) {
                problem(where + ": container port http is " + http.get().getContainerPort()
                        + " but quarkus.http.port is " + cfg.httpPort());
            }
            checkProbe(where, "startupProbe", c.getStartupProbe(), "/q/health/started", c);
            checkProbe(where, "readinessProbe", c.getReadinessProbe(), "/q/health/ready", c);
            checkProbe(where, "livenessProbe", c.getLivenessProbe(), "/q/health/live", c);
            for (EnvVar env : c.getEnv()) {
                if (!cfg.environmentVariables().contains(env.getName())) {
                    problem(where + ": env " + env.getName() + " is not read by " + cfg.name() + "'s application.properties");
                }
            }
            if (!"false".equals(envValue(d.getMetadata().getNamespace(), c, "LEADLINE_JWT_GENERATE"))) {
                problem(where + ": LEADLINE_JWT_GENERATE must be false (keys come from the cluster)");
            }
            var rolling = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
            if (rolling == null || rolling.getMaxUnavailable() == null || !Objects.equals(rolling.getMaxUnavailable().getIntVal(), 0)) {
                problem(where + ": rolling update must have maxUnavailable 0");
            }
            if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) {
                problem(where + ": no preStop hook (readiness must drop before SIGTERM)");
            }
            boolean nonRoot = pod.getSecurityContext() != null && Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot());
            boolean readOnly = c.getSecurityContext() != null && Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem());
            if (!nonRoot || !readOnly) {
                problem(where + ": must run as non-root with a read-only root filesystem");
            }
            boolean tmp = c.getVolumeMounts().stream().anyMatch(vm -> vm.getMountPath().equals("/tmp")
                    && pod.getVolumes().stream().anyMatch(v -> v.getName().equals(vm.getName()) && v.getEmptyDir() != null));
            if (!tmp) {
                problem(where + ": /tmp must be an emptyDir");
            }
            boolean signingKey = pod.getVolumes().stream()
                    .anyMatch(v -> v.getSecret() != null && "jwt-signing-key".equals(v.getSecret().getSecretName()));
            if (signingKey != cfg.environmentVariables().contains("LEADLINE_JWT_PRIVATE_KEY")) {
                problem(where + (signingKey ? ": mounts the JWT signing key but does not issue tokens"
                        : ": issues tokens but does not mount the JWT signing key"));
            }
        }
    }

    private void checkProbe(String where, String kind, Probe probe, String path, Container c) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problem(where + ": " + kind + " must be an HTTP GET of " + path);
            return;
        }
        if (!path.equals(get.getPath())) {
            problem(where + ": " + kind + " path is " + get.getPath() + ", expected " + path);
        }
        if (resolve(c, get.getPort()) == null) {
            problem(where + ": " + kind + " port " + describe(get.getPort()) + " is not a port of the container");
        }
    }

    private static String describe(IntOrString port) {
        return port == null ? "(none)" : port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    private static Integer resolve(Container c, IntOrString port) {
        return new NetworkPolicies.Pod("", Map.of(), List.of(c)).resolvePort(port);
    }

    /** A variable's value from env or from an envFrom ConfigMap (null if neither sets it literally). */
    private String envValue(String namespace, Container c, String name) {
        for (EnvVar e : c.getEnv()) {
            if (e.getName().equals(name)) {
                return e.getValue();
            }
        }
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                Optional<ConfigMap> cm = m.configMap(from.getConfigMapRef().getName());
                if (cm.isPresent() && cm.get().getData() != null && cm.get().getData().containsKey(name)) {
                    return cm.get().getData().get(name);
                }
            }
        }
        return null;
    }

    // --- every referenced Secret and ConfigMap exists with the referenced keys ----------------------------

    private void checkReferences() {
        for (Manifests.Workload w : m.workloads()) {
            PodSpec pod = w.template().getSpec();
            Set<String> volumeNames = pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
            if (w.owner() instanceof StatefulSet s && s.getSpec().getVolumeClaimTemplates() != null) {
                s.getSpec().getVolumeClaimTemplates().forEach(t -> volumeNames.add(t.getMetadata().getName()));
            }
            for (Container c : Stream.concat(pod.getContainers().stream(),
                    pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream()).toList()) {
                for (EnvVar e : c.getEnv()) {
                    if (e.getValueFrom() == null) {
                        continue;
                    }
                    var s = e.getValueFrom().getSecretKeyRef();
                    if (s != null && !Boolean.TRUE.equals(s.getOptional())) {
                        requireKey(w.name() + ": env " + e.getName(), "Secret", s.getName(), secretKeys(s.getName()), s.getKey());
                    }
                    var cm = e.getValueFrom().getConfigMapKeyRef();
                    if (cm != null && !Boolean.TRUE.equals(cm.getOptional())) {
                        requireKey(w.name() + ": env " + e.getName(), "ConfigMap", cm.getName(), configMapKeys(cm.getName()), cm.getKey());
                    }
                }
                for (EnvFromSource from : c.getEnvFrom()) {
                    if (from.getConfigMapRef() != null && configMapKeys(from.getConfigMapRef().getName()) == null) {
                        problem(w.name() + ": envFrom refers to ConfigMap " + from.getConfigMapRef().getName() + ", which does not exist");
                    }
                    if (from.getSecretRef() != null && secretKeys(from.getSecretRef().getName()) == null) {
                        problem(w.name() + ": envFrom refers to Secret " + from.getSecretRef().getName() + ", which does not exist");
                    }
                }
                for (VolumeMount vm : c.getVolumeMounts()) {
                    if (!volumeNames.contains(vm.getName())) {
                        problem(w.name() + ": volume mount " + vm.getMountPath() + " names volume " + vm.getName() + ", which is not declared");
                    }
                }
            }
            for (Volume v : pod.getVolumes()) {
                if (v.getSecret() != null) {
                    checkVolumeKeys(w.name() + ": volume " + v.getName(), "Secret", v.getSecret().getSecretName(),
                            secretKeys(v.getSecret().getSecretName()), v.getSecret().getItems(), v.getSecret().getOptional());
                }
                if (v.getConfigMap() != null) {
                    checkVolumeKeys(w.name() + ": volume " + v.getName(), "ConfigMap", v.getConfigMap().getName(),
                            configMapKeys(v.getConfigMap().getName()), v.getConfigMap().getItems(), v.getConfigMap().getOptional());
                }
            }
        }
    }

    private void checkVolumeKeys(String where, String kind, String name, Set<String> keys, List<KeyToPath> items, Boolean optional) {
        if (Boolean.TRUE.equals(optional)) {
            return;
        }
        if (keys == null) {
            problem(where + " refers to " + kind + " " + name + ", which does not exist");
            return;
        }
        for (KeyToPath item : items == null ? List.<KeyToPath>of() : items) {
            requireKey(where, kind, name, keys, item.getKey());
        }
    }

    private void requireKey(String where, String kind, String name, Set<String> keys, String key) {
        if (keys == null) {
            problem(where + " refers to " + kind + " " + name + ", which does not exist");
        } else if (!keys.contains("*") && !keys.contains(key)) {
            problem(where + " refers to key " + key + " of " + kind + " " + name + ", which has no such key");
        }
    }

    /** The keys of a Secret, whoever makes it; null when nothing makes it; "*" when unknowable. */
    Set<String> secretKeys(String name) {
        Optional<Secret> secret = m.secret(name);
        if (secret.isPresent()) {
            Set<String> keys = new HashSet<>();
            Optional.ofNullable(secret.get().getData()).ifPresent(d -> keys.addAll(d.keySet()));
            Optional.ofNullable(secret.get().getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
            return keys;
        }
        for (GenericKubernetesResource es : m.custom("ExternalSecret").toList()) {
            Map<String, Object> spec = es.get("spec");
            Object targetName = es.get("spec", "target", "name");
            if (name.equals(targetName == null ? es.getMetadata().getName() : targetName)) {
                if (spec.get("dataFrom") != null) {
                    return Set.of("*");
                }
                List<Map<String, Object>> data = es.get("spec", "data");
                return data == null ? Set.of() : data.stream().map(d -> (String) d.get("secretKey")).collect(Collectors.toSet());
            }
        }
        if (m.custom("Cluster").anyMatch(c -> isCnpg(c) && (c.getMetadata().getName() + "-app").equals(name))) {
            return CNPG_APP_SECRET_KEYS;
        }
        if (certificateWritingSecret(name).isPresent()) {
            return CERT_MANAGER_SECRET_KEYS;
        }
        return null;
    }

    private Optional<GenericKubernetesResource> certificateWritingSecret(String secretName) {
        return m.custom("Certificate").filter(c -> isCertManager(c) && secretName.equals(c.get("spec", "secretName"))).findFirst();
    }

    private static boolean isCertManager(GenericKubernetesResource r) {
        return r.getApiVersion().startsWith("cert-manager.io/");
    }

    Set<String> configMapKeys(String name) {
        return m.configMap(name).map(cm -> {
            Set<String> keys = new HashSet<>();
            Optional.ofNullable(cm.getData()).ifPresent(d -> keys.addAll(d.keySet()));
            Optional.ofNullable(cm.getBinaryData()).ifPresent(d -> keys.addAll(d.keySet()));
            return keys;
        }).orElse(null);
    }

    private static boolean isCnpg(GenericKubernetesResource r) {
        return r.getApiVersion().startsWith("postgresql.cnpg.io/") && r.getKind().equals("Cluster");
    }

    // --- Services select pods, and their target ports exist ------------------------------------------------

    private void checkServiceSelectorsAndPorts() {
        for (Service s : m.all(Service.class).toList()) {
            List<NetworkPolicies.Pod> pods = podsSelectedBy(s);
            if (pods.isEmpty()) {
                problem("Service " + s.getMetadata().getName() + " selects no pods");
                continue;
            }
            for (ServicePort port : s.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
                for (NetworkPolicies.Pod pod : pods) {
                    Integer resolved = pod.resolvePort(target);
                    boolean exists = resolved != null && pod.containers().stream().flatMap(c -> c.getPorts().stream())
                            .anyMatch(p -> p.getContainerPort().equals(resolved));
                    if (!exists) {
                        problem("Service " + s.getMetadata().getName() + ": target port " + describe(target)
                                + " is not a container port of the selected pods");
                        break;
                    }
                }
            }
        }
    }

    private List<NetworkPolicies.Pod> podsSelectedBy(Service s) {
        Map<String, String> selector = s.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return List.of();
        }
        return m.workloads().stream()
                .filter(w -> w.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .map(this::pod)
                .toList();
    }

    private NetworkPolicies.Pod pod(Manifests.Workload w) {
        return new NetworkPolicies.Pod(w.namespace(), w.template().getMetadata().getLabels(), w.template().getSpec().getContainers());
    }

    // --- PDBs and HPAs point at something -------------------------------------------------------------------

    private void checkDisruptionBudgetsAndAutoscalers() {
        for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class).toList()) {
            boolean any = m.workloads().stream().anyMatch(w ->
                    NetworkPolicies.matches(pdb.getSpec().getSelector(), w.template().getMetadata().getLabels()));
            if (!any) {
                problem("PodDisruptionBudget " + pdb.getMetadata().getName() + " selects no pods");
            }
        }
        for (HorizontalPodAutoscaler hpa : m.all(HorizontalPodAutoscaler.class).toList()) {
            var ref = hpa.getSpec().getScaleTargetRef();
            boolean exists = m.workloads().stream().anyMatch(w ->
                    w.owner().getKind().equals(ref.getKind()) && w.owner().getMetadata().getName().equals(ref.getName()));
            if (!exists) {
                problem("HorizontalPodAutoscaler " + hpa.getMetadata().getName() + " targets " + ref.getKind() + " "
                        + ref.getName() + ", which does not exist");
            }
        }
    }

    // --- Ingress backends exist -----------------------------------------------------------------------------

    private void checkIngress() {
        for (Ingress ingress : m.all(Ingress.class).toList()) {
            String where = "Ingress " + ingress.getMetadata().getName();
            for (IngressServiceBackend backend : backends(ingress)) {
                Optional<Service> s = m.service(backend.getName());
                if (s.isEmpty()) {
                    problem(where + ": backend Service " + backend.getName() + " does not exist");
                } else if (servicePort(s.get(), backend).isEmpty()) {
                    problem(where + ": Service " + backend.getName() + " has no port " + describe(backend));
                }
            }
            checkOrigins(ingress);
            boolean certManager = ingress.getMetadata().getAnnotations() != null && ingress.getMetadata().getAnnotations()
                    .keySet().stream().anyMatch(k -> k.startsWith("cert-manager.io/"));
            if (ingress.getSpec().getTls() != null && !certManager) {
                ingress.getSpec().getTls().forEach(tls -> {
                    if (secretKeys(tls.getSecretName()) == null) {
                        problem(where + ": TLS Secret " + tls.getSecretName() + " does not exist and no issuer makes it");
                    }
                });
            }
        }
    }

    /** A browser served by the Ingress sends its host as Origin: the gateway must allow it. */
    private void checkOrigins(Ingress ingress) {
        for (var rule : ingress.getSpec().getRules()) {
            for (var path : rule.getHttp().getPaths()) {
                IngressServiceBackend backend = path.getBackend().getService();
                ServiceConfig cfg = backend == null ? null : services.get(backend.getName());
                Optional<Deployment> d = cfg == null ? Optional.empty() : m.find(Deployment.class, cfg.name());
                if (!"/ws".equals(path.getPath()) || d.isEmpty()
                        || !cfg.environmentVariables().contains("LEADLINE_ALLOWED_ORIGINS")) {
                    continue;
                }
                boolean tls = ingress.getSpec().getTls() != null && ingress.getSpec().getTls().stream()
                        .anyMatch(t -> t.getHosts() != null && t.getHosts().contains(rule.getHost()));
                String origin = (tls ? "https://" : "http://") + rule.getHost();
                String allowed = envValue(d.get().getMetadata().getNamespace(),
                        d.get().getSpec().getTemplate().getSpec().getContainers().get(0), "LEADLINE_ALLOWED_ORIGINS");
                if (allowed == null || !List.of(allowed.split(",")).contains(origin)) {
                    problem("Ingress " + ingress.getMetadata().getName() + ": " + origin + " serves " + path.getPath()
                            + " but is not in " + cfg.name() + "'s LEADLINE_ALLOWED_ORIGINS");
                }
            }
        }
    }

    private static List<IngressServiceBackend> backends(Ingress ingress) {
        return ingress.getSpec().getRules().stream()
                .flatMap(r -> r.getHttp().getPaths().stream())
                .map(p -> p.getBackend().getService())
                .filter(Objects::nonNull)
                .toList();
    }

    private static Optional<ServicePort> servicePort(Service s, IngressServiceBackend b) {
        return s.getSpec().getPorts().stream().filter(p -> b.getPort().getName() != null
                ? b.getPort().getName().equals(p.getName()) : p.getPort().equals(b.getPort().getNumber())).findFirst();
    }

    private static String describe(IngressServiceBackend b) {
        return b.getPort().getName() != null ? b.getPort().getName() : String.valueOf(b.getPort().getNumber());
    }

    // --- NetworkPolicies admit the paths the design needs -----------------------------------------------------

    private void checkNetworkPaths() {
        String namespace = m.workloads().stream().map(Manifests.Workload::namespace).filter(Objects::nonNull)
                .findFirst().orElse("default");
        NetworkPolicies net = new NetworkPolicies(m.all(NetworkPolicy.class).toList(), namespace);
        NetworkPolicies.Pod ingressController = new NetworkPolicies.Pod(INGRESS_CONTROLLER_NAMESPACE, INGRESS_CONTROLLER_LABELS, List.of());
        NetworkPolicies.Pod dns = new NetworkPolicies.Pod("kube-system", DNS_LABELS, List.of());

        for (Manifests.Workload w : m.workloads()) {
            String refused = net.refusal(pod(w), dns, 53, "UDP");
            if (refused != null) {
                problem(w.name() + " cannot resolve names (kube-dns:53/UDP): " + refused);
            }
        }
        for (Ingress ingress : m.all(Ingress.class).toList()) {
            for (IngressServiceBackend backend : new LinkedHashSet<>(backends(ingress))) {
                Optional<Service> s = m.service(backend.getName());
                Optional<ServicePort> port = s.flatMap(x -> servicePort(x, backend));
                if (port.isEmpty()) {
                    continue; // reported by checkIngress
                }
                for (NetworkPolicies.Pod target : podsSelectedBy(s.get())) {
                    Integer number = target.resolvePort(port.get().getTargetPort());
                    String refused = number == null ? null : net.refusal(ingressController, target, number, "TCP");
                    if (refused != null) {
                        problem("the ingress controller cannot reach Service " + backend.getName() + " on " + number + ": " + refused);
                    }
                }
            }
        }
        for (ServiceConfig cfg : services.values()) {
            Optional<Deployment> d = m.find(Deployment.class, cfg.name());
            if (d.isEmpty()) {
                continue;
            }
            Manifests.Workload w = new Manifests.Workload(d.get(), d.get().getSpec().getTemplate());
            Container c = w.template().getSpec().getContainers().get(0);
            String natsUrl = envValue(namespace, c, "NATS_URL");
            if (natsUrl == null) {
                problem(w.name() + ": NATS_URL is not set");
            } else {
                URI uri = URI.create(natsUrl);
                reach(net, w, "NATS (" + natsUrl + ")", uri.getHost(), uri.getPort() < 0 ? 4222 : uri.getPort());
            }
            String prefix = cfg.environmentVariables().stream().filter(v -> v.endsWith("_DB_URL")).findFirst().orElse(null);
            if (prefix != null) {
                reachDatabase(net, w, c, prefix);
            }
        }
        for (StatefulSet nats : m.all(StatefulSet.class).filter(s -> s.getMetadata().getName().equals("nats")).toList()) {
            NetworkPolicies.Pod pod = pod(new Manifests.Workload(nats, nats.getSpec().getTemplate()));
            String refused = net.refusal(pod, pod, 6222, "TCP");
            if (refused != null) {
                problem("NATS servers cannot route to each other on 6222: " + refused);
            }
        }
    }

    /** The database: the host of the service's JDBC URL, found through the Secret that holds it. */
    private void reachDatabase(NetworkPolicies net, Manifests.Workload w, Container c, String variable) {
        EnvVar env = c.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst().orElse(null);
        if (env == null || env.getValueFrom() == null || env.getValueFrom().getSecretKeyRef() == null) {
            problem(w.name() + ": " + variable + " must come from a Secret");
            return;
        }
        String secretName = env.getValueFrom().getSecretKeyRef().getName();
        Optional<GenericKubernetesResource> cnpg = m.custom("Cluster")
                .filter(r -> isCnpg(r) && (r.getMetadata().getName() + "-app").equals(secretName)).findFirst();
        if (cnpg.isPresent()) {
            // CloudNativePG's <cluster>-rw Service selects the primary among the cluster's instances
            NetworkPolicies.Pod primary = new NetworkPolicies.Pod(w.namespace(),
                    Map.of("cnpg.io/cluster", cnpg.get().getMetadata().getName(), "cnpg.io/instanceRole", "primary"), List.of());
            String refused = net.refusal(pod(w), primary, 5432, "TCP");
            if (refused != null) {
                problem(w.name() + " cannot reach its database " + cnpg.get().getMetadata().getName() + " on 5432: " + refused);
            }
            return;
        }
        Optional<Secret> secret = m.secret(secretName);
        String jdbc = secret.map(s -> secretValue(s, env.getValueFrom().getSecretKeyRef().getKey())).orElse(null);
        if (jdbc == null) {
            return; // a missing Secret or key is reported by checkReferences
        }
        URI uri = URI.create(jdbc.substring("jdbc:".length()));
        reach(net, w, "its database (" + uri.getHost() + ")", uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    private static String secretValue(Secret s, String key) {
        if (s.getStringData() != null && s.getStringData().containsKey(key)) {
            return s.getStringData().get(key);
        }
        if (s.getData() != null && s.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(s.getData().get(key)));
        }
        return null;
    }

    private void reach(NetworkPolicies net, Manifests.Workload from, String what, String host, int port) {
        String serviceName = host.split("\\.")[0];
        Optional<Service> s = m.service(serviceName);
        if (s.isEmpty()) {
            problem(from.name() + ": " + what + " names Service " + serviceName + ", which does not exist");
            return;
        }
        Optional<ServicePort> sp = s.get().getSpec().getPorts().stream().filter(p -> p.getPort() == port).findFirst();
        if (sp.isEmpty()) {
            problem(from.name() + ": Service " + serviceName + " has no port " + port);
            return;
        }
        for (NetworkPolicies.Pod target : podsSelectedBy(s.get())) {
            IntOrString targetPort = sp.get().getTargetPort() == null ? new IntOrString(port) : sp.get().getTargetPort();
            Integer number = target.resolvePort(targetPort);
            String refused = number == null ? null : net.refusal(pod(from), target, number, "TCP");
            if (refused != null) {
                problem(from.name() + " cannot reach " + what + " on " + number + ": " + refused);
            }
        }
    }
}
