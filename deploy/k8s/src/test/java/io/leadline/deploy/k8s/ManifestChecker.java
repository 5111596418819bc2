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
import io.fabric8.kubernetes.api.model.LabelSelector;
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
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.leadline.shared.nats.security.NatsIdentity;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
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
 *
 * <p>NATS: the servers' configuration is read from the ConfigMap they mount (with its includes); its
 * users' passwords come from the Secret {@value #NATS_USERS}, of which every client (the three
 * services and the {@value #PROVISIONING_JOB} job) mounts exactly its own key; clients use TLS when
 * they trust a CA, the servers' certificate names every address clients and routes use, and only the
 * clients reach the client port.
 *
 * <p>The services' own configuration: ports, probes, scraping and NetworkPolicies follow
 * {@code quarkus.management.port} (where /q/* is served; never routed by an Ingress); no service gets a
 * value its dev or test profile publishes for a property of {@code leadline.secrets.dev-only}; a service
 * that believes X-Forwarded-For trusts the ingress controller's pod network and nothing wider.
 */
final class ManifestChecker {

    static final String INGRESS_CONTROLLER_NAMESPACE = "ingress-nginx";
    static final Map<String, String> INGRESS_CONTROLLER_LABELS = Map.of("app.kubernetes.io/name", "ingress-nginx");
    static final Map<String, String> DNS_LABELS = Map.of("k8s-app", "kube-dns");
    /** Prometheus: any pod of namespace monitoring, which scrapes /q/metrics on the management port. */
    static final String MONITORING_NAMESPACE = "monitoring";
    static final Map<String, String> PROMETHEUS_LABELS = Map.of("app.kubernetes.io/name", "prometheus");
    static final String METRICS_PATH = "/q/metrics";
    /** Where pod addresses are: RFC 1918, the shared address space (RFC 6598), unique local IPv6. */
    static final List<Cidr> PRIVATE_NETWORKS = Stream.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "fc00::/7").map(Cidr::parse).toList();
    /** Documentation ranges (RFC 5737, RFC 3849): placeholders, never a cluster's addresses. */
    static final List<Cidr> DOCUMENTATION_NETWORKS = Stream.of("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
            "2001:db8::/32").map(Cidr::parse).toList();
    static final Set<String> CNPG_APP_SECRET_KEYS = Set.of("username", "user", "password", "dbname", "host", "port",
            "uri", "jdbc-uri", "pgpass");
    static final Set<String> CERT_MANAGER_SECRET_KEYS = Set.of("tls.crt", "tls.key", "ca.crt");

    static final String NATS = "nats";
    static final String NATS_USERS = "nats-users";
    static final String PROVISIONING_JOB = "nats-provisioning";
    static final int NATS_CLIENT_PORT = 4222;
    /** Who may connect to NATS, by {@code app.kubernetes.io/name}: the three services and the provisioning job. */
    static final List<String> NATS_CLIENTS = Stream.concat(ServiceConfig.SERVICES.stream(), Stream.of(PROVISIONING_JOB)).toList();
    /** What a nats-server reads from the environment without misreading it (a value like 4e2… is a number to it). */
    static final Pattern NATS_PASSWORD = Pattern.compile("[A-Za-z][A-Za-z0-9._~-]*");

    private final Manifests m;
    private final Map<String, ServiceConfig> services;
    private final List<String> problems = new ArrayList<>();
    /** The NATS servers' configuration as parsed, or null when it cannot be read. */
    private Map<String, Object> natsConf;

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
        c.checkCertificates();
        c.checkNatsServers();
        c.checkNatsClients();
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
            if (cfg.managementPort() != null) {
                Optional<ContainerPort> management = c.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst();
                if (management.isEmpty()) {
                    problem(where + ": no container port named management (quarkus.management.port " + cfg.managementPort()
                            + " serves /q/*)");
                } else if (management.get().getContainerPort() != cfg.managementPort().intValue()) {
                    problem(where + ": container port management is " + management.get().getContainerPort()
                            + " but quarkus.management.port is " + cfg.managementPort());
                }
            }
            checkProbe(where, "startupProbe", c.getStartupProbe(), "/q/health/started", c, cfg);
            checkProbe(where, "readinessProbe", c.getReadinessProbe(), "/q/health/ready", c, cfg);
            checkProbe(where, "livenessProbe", c.getLivenessProbe(), "/q/health/live", c, cfg);
            checkScraping(where, d, c, cfg);
            for (EnvVar env : c.getEnv()) {
                if (!cfg.environmentVariables().contains(env.getName())) {
                    problem(where + ": env " + env.getName() + " is not read by " + cfg.name() + "'s application.properties");
                }
            }
            if (!"false".equals(envValue(d.getMetadata().getNamespace(), c, "LEADLINE_JWT_GENERATE"))) {
                problem(where + ": LEADLINE_JWT_GENERATE must be false (keys come from the cluster)");
            }
            checkNoPublishedDevValue(where, c, cfg);
            if (cfg.trustedProxiesVariable() != null) {
                checkTrustedProxies(where, c, cfg.trustedProxiesVariable());
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

    private void checkProbe(String where, String kind, Probe probe, String path, Container c, ServiceConfig cfg) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problem(where + ": " + kind + " must be an HTTP GET of " + path);
            return;
        }
        if (!path.equals(get.getPath())) {
            problem(where + ": " + kind + " path is " + get.getPath() + ", expected " + path);
        }
        Integer port = resolve(c, get.getPort());
        if (port == null) {
            problem(where + ": " + kind + " port " + describe(get.getPort()) + " is not a port of the container");
        } else if (port != quarkusPort(cfg)) {
            problem(where + ": " + kind + " is on port " + describe(get.getPort()) + " (" + port + "), but " + path
                    + " is served on " + quarkusPortSetting(cfg) + " " + quarkusPort(cfg));
        }
    }

    /** Where Quarkus serves /q/* (health, metrics, OpenAPI): the management port when it is enabled. */
    private static int quarkusPort(ServiceConfig cfg) {
        return cfg.managementPort() != null ? cfg.managementPort() : cfg.httpPort();
    }

    private static String quarkusPortSetting(ServiceConfig cfg) {
        return cfg.managementPort() != null ? "quarkus.management.port" : "quarkus.http.port";
    }

    /**
     * Prometheus scrapes /q/metrics where Quarkus serves it: by the prometheus.io annotations of the pod,
     * or by a PodMonitor or ServiceMonitor (prometheus-operator) selecting the pods.
     */
    private void checkScraping(String where, Deployment d, Container c, ServiceConfig cfg) {
        Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> annotations = Objects.requireNonNullElse(d.getSpec().getTemplate().getMetadata().getAnnotations(), Map.of());
        boolean scraped = false;
        if ("true".equals(annotations.get("prometheus.io/scrape"))) {
            scraped = true;
            String port = annotations.get("prometheus.io/port");
            if (!String.valueOf(quarkusPort(cfg)).equals(port)) {
                problem(where + ": prometheus.io/port is " + (port == null ? "not set" : port) + ", but " + METRICS_PATH
                        + " is served on " + quarkusPortSetting(cfg) + " " + quarkusPort(cfg));
            }
            String path = annotations.getOrDefault("prometheus.io/path", "/metrics");
            if (!METRICS_PATH.equals(path)) {
                problem(where + ": prometheus.io/path is " + path + ", expected " + METRICS_PATH);
            }
        }
        NetworkPolicies.Pod pod = new NetworkPolicies.Pod(d.getMetadata().getNamespace(), labels, List.of(c));
        for (GenericKubernetesResource monitor : m.custom("PodMonitor").filter(ManifestChecker::isPrometheusOperator).toList()) {
            if (!selects(monitor.get("spec", "selector"), labels)) {
                continue;
            }
            scraped = true;
            List<Map<String, Object>> endpoints = Objects.requireNonNullElse(monitor.get("spec", "podMetricsEndpoints"), List.of());
            for (Map<String, Object> endpoint : endpoints) {
                checkMonitorEndpoint(where, "PodMonitor " + monitor.getMetadata().getName(), endpoint,
                        port -> pod.resolvePort(port), cfg);
            }
        }
        for (GenericKubernetesResource monitor : m.custom("ServiceMonitor").filter(ManifestChecker::isPrometheusOperator).toList()) {
            for (Service s : m.all(Service.class).toList()) {
                if (!selects(monitor.get("spec", "selector"), s.getMetadata().getLabels()) || s.getSpec().getSelector() == null
                        || s.getSpec().getSelector().isEmpty() || !labels.entrySet().containsAll(s.getSpec().getSelector().entrySet())) {
                    continue;
                }
                scraped = true;
                List<Map<String, Object>> endpoints = Objects.requireNonNullElse(monitor.get("spec", "endpoints"), List.of());
                for (Map<String, Object> endpoint : endpoints) {
                    checkMonitorEndpoint(where, "ServiceMonitor " + monitor.getMetadata().getName(), endpoint, port -> {
                        // a ServiceMonitor's port names a port of the Service; targetPort is the pod's
                        if (port.getStrVal() != null && endpoint.get("port") != null) {
                            return s.getSpec().getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                                    .map(p -> pod.resolvePort(p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort()))
                                    .orElse(null);
                        }
                        return pod.resolvePort(port);
                    }, cfg);
                }
            }
        }
        if (!scraped) {
            problem(where + ": " + METRICS_PATH + " is not scraped (prometheus.io annotations, or a PodMonitor or ServiceMonitor, "
                    + "on " + quarkusPortSetting(cfg) + " " + quarkusPort(cfg) + ")");
        }
    }

    private void checkMonitorEndpoint(String where, String monitor, Map<String, Object> endpoint,
                                      Function<IntOrString, Integer> resolve, ServiceConfig cfg) {
        Object named = endpoint.get("port");
        Object target = endpoint.get("targetPort");
        IntOrString port = named != null ? new IntOrString(String.valueOf(named))
                : target instanceof Number n ? new IntOrString(n.intValue()) : target != null ? new IntOrString(String.valueOf(target)) : null;
        Integer number = port == null ? null : resolve.apply(port);
        if (number == null || number != quarkusPort(cfg)) {
            problem(where + ": " + monitor + " scrapes port " + (port == null ? "(none)" : describe(port))
                    + (number == null ? "" : " (" + number + ")") + ", but " + METRICS_PATH + " is served on "
                    + quarkusPortSetting(cfg) + " " + quarkusPort(cfg));
        }
        Object path = endpoint.getOrDefault("path", "/metrics");
        if (!METRICS_PATH.equals(path)) {
            problem(where + ": " + monitor + " scrapes path " + path + ", expected " + METRICS_PATH);
        }
    }

    private static boolean isPrometheusOperator(GenericKubernetesResource r) {
        return r.getApiVersion().startsWith("monitoring.coreos.com/");
    }

    private static boolean selects(Object selector, Map<String, String> labels) {
        return selector != null && NetworkPolicies.matches(Manifests.SERIALIZATION.convertValue(selector, LabelSelector.class), labels);
    }

    private static String describe(IntOrString port) {
        return port == null ? "(none)" : port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    private static Integer resolve(Container c, IntOrString port) {
        return new NetworkPolicies.Pod("", Map.of(), List.of(c)).resolvePort(port);
    }

    /**
     * The images run the prod profile, where the service refuses to start when a property of
     * leadline.secrets.dev-only has a value its dev or test profile publishes (DevValueGuard): no overlay may
     * give it one, through a literal, a ConfigMap or a Secret of its own.
     */
    private void checkNoPublishedDevValue(String where, Container c, ServiceConfig cfg) {
        for (var guarded : cfg.devOnly()) {
            for (String variable : guarded.variables()) {
                EnvSource source = envSource(c, variable);
                if (source != null && guarded.refuses(source.value())) {
                    problem(where + ": " + variable + " (" + source.from() + ") has the value the dev and test profiles give "
                            + guarded.property() + ", published with the code; outside them " + cfg.name() + " refuses to start");
                }
            }
        }
    }

    /**
     * A service that believes X-Forwarded-For from trusted proxies (leads-service: sign-in throttling per client
     * address) needs them set to the ingress controller's pod network: left at the default (this host), every
     * request counts against the controller's address; trusting addresses outside the cluster's private networks
     * (or every address) lets clients choose the address they are counted under.
     */
    private void checkTrustedProxies(String where, Container c, String variable) {
        EnvSource source = envSource(c, variable);
        if (source == null || source.value().isBlank()) {
            problem(where + ": " + variable + " is not set, so behind the Ingress every client counts as the ingress "
                    + "controller (set it to the controller's pod network)");
            return;
        }
        for (String entry : source.value().split(",")) {
            String text = entry.strip();
            Cidr cidr = Cidr.parse(text);
            if (cidr == null) {
                problem(where + ": " + variable + " lists " + text + ", which is not an address or a CIDR");
            } else if (text.contains(":") && !text.contains("/")) {
                problem(where + ": " + variable + " lists " + text + " without a prefix: Quarkus reads a bare IPv6 "
                        + "address as host:port and looks it up on every request (write " + text + "/128)");
            } else if (DOCUMENTATION_NETWORKS.stream().anyMatch(d -> d.contains(cidr))) {
                problem(where + ": " + variable + " is still the placeholder " + text
                        + " (a documentation range): set the ingress controller's pod network");
            } else if (PRIVATE_NETWORKS.stream().noneMatch(n -> n.contains(cidr))) {
                problem(where + ": " + variable + " trusts " + text + ", beyond the private networks pods live in: "
                        + "clients there could choose the address they are counted under (set the ingress controller's pod network)");
            }
        }
    }

    /** An IPv4 or IPv6 network (an address is a network of one), parsed without name lookups. */
    record Cidr(byte[] address, int prefix) {

        private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
        private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

        /** Null when the text is not an address or an address/prefix. */
        static Cidr parse(String text) {
            String[] parts = text.split("/", -1);
            if (parts.length > 2 || !(IPV4.matcher(parts[0]).matches() || IPV6.matcher(parts[0]).matches())) {
                return null;
            }
            byte[] address;
            try {
                address = InetAddress.getByName(parts[0]).getAddress(); // a literal: no lookup
            } catch (UnknownHostException e) {
                return null;
            }
            int max = address.length * 8;
            int prefix;
            try {
                prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
            } catch (NumberFormatException e) {
                return null;
            }
            return prefix < 0 || prefix > max ? null : new Cidr(address, prefix);
        }

        boolean contains(Cidr other) {
            if (other.address.length != address.length || other.prefix < prefix) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (other.address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A variable's value as the container gets it, and where it comes from. */
    private record EnvSource(String value, String from) {
    }

    /**
     * What the container's variable is set to: env wins over envFrom, a later envFrom over an earlier one.
     * Null when it is not set, or comes from something whose value the manifests do not hold (an
     * ExternalSecret, an operator's Secret).
     */
    private EnvSource envSource(Container c, String name) {
        for (EnvVar e : c.getEnv()) {
            if (!e.getName().equals(name)) {
                continue;
            }
            if (e.getValueFrom() == null) {
                return new EnvSource(Objects.requireNonNullElse(e.getValue(), ""), "its value in the Deployment");
            }
            var secretRef = e.getValueFrom().getSecretKeyRef();
            if (secretRef != null) {
                String value = m.secret(secretRef.getName()).map(s -> secretValue(s, secretRef.getKey())).orElse(null);
                return value == null ? null : new EnvSource(value, "key " + secretRef.getKey() + " of Secret " + secretRef.getName());
            }
            var configRef = e.getValueFrom().getConfigMapKeyRef();
            if (configRef != null) {
                String value = m.configMap(configRef.getName()).map(cm -> cm.getData() == null ? null : cm.getData().get(configRef.getKey()))
                        .orElse(null);
                return value == null ? null : new EnvSource(value, "key " + configRef.getKey() + " of ConfigMap " + configRef.getName());
            }
            return null;
        }
        List<EnvFromSource> from = new ArrayList<>(c.getEnvFrom());
        Collections.reverse(from);
        for (EnvFromSource f : from) {
            String prefix = Objects.requireNonNullElse(f.getPrefix(), "");
            if (!name.startsWith(prefix)) {
                continue;
            }
            String key = name.substring(prefix.length());
            if (f.getConfigMapRef() != null) {
                String cmName = f.getConfigMapRef().getName();
                String value = m.configMap(cmName).map(cm -> cm.getData() == null ? null : cm.getData().get(key)).orElse(null);
                if (value != null) {
                    return new EnvSource(value, "ConfigMap " + cmName);
                }
            }
            if (f.getSecretRef() != null) {
                String secretName = f.getSecretRef().getName();
                String value = m.secret(secretName).map(s -> secretValue(s, key)).orElse(null);
                if (value != null) {
                    return new EnvSource(value, "key " + key + " of Secret " + secretName);
                }
            }
        }
        return null;
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
            checkNoRouteToManagement(ingress);
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

    /** Health, metrics and OpenAPI stay inside the cluster: no path of an Ingress leads to a management port. */
    private void checkNoRouteToManagement(Ingress ingress) {
        for (var rule : ingress.getSpec().getRules()) {
            for (var path : rule.getHttp().getPaths()) {
                IngressServiceBackend backend = path.getBackend().getService();
                Optional<Service> s = backend == null ? Optional.empty() : m.service(backend.getName());
                Optional<ServicePort> port = s.flatMap(x -> servicePort(x, backend));
                if (port.isEmpty()) {
                    continue; // reported above
                }
                String management = podsSelectedBy(s.get()).stream()
                        .map(pod -> managementPortReached(pod, port.get()))
                        .filter(Objects::nonNull).findFirst().orElse(null);
                if (management != null) {
                    problem("Ingress " + ingress.getMetadata().getName() + ": " + rule.getHost() + path.getPath()
                            + " routes to Service " + backend.getName() + " port " + describe(backend) + ", " + management
                            + " (health, metrics and OpenAPI stay inside the cluster)");
                }
            }
        }
    }

    /**
     * When the Service port leads to a pod's management port: which service's ("the management port 9080 of
     * notify-service"), else null. A management port is a service's quarkus.management.port, or any container
     * port named management.
     */
    private String managementPortReached(NetworkPolicies.Pod pod, ServicePort port) {
        Integer number = pod.resolvePort(port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort());
        if (number == null) {
            return null;
        }
        for (Container c : pod.containers()) {
            ServiceConfig cfg = services.get(c.getName());
            boolean configured = cfg != null && cfg.managementPort() != null && cfg.managementPort().equals(number);
            boolean named = c.getPorts().stream().anyMatch(p -> "management".equals(p.getName()) && number.equals(p.getContainerPort()));
            if (configured || named) {
                return "the management port " + number + " of " + c.getName();
            }
        }
        return null;
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
                    if (managementPortReached(target, port.get()) != null) {
                        continue; // a route to a management port: reported by checkIngress
                    }
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
            checkManagementPaths(net, w, cfg, ingressController);
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
        for (Job job : m.find(Job.class, PROVISIONING_JOB).stream().toList()) {
            Manifests.Workload w = new Manifests.Workload(job, job.getSpec().getTemplate());
            String url = commandOption(w.template().getSpec().getContainers().get(0), "--url");
            if (url != null) {
                URI uri = URI.create(url.split(",")[0]);
                reach(net, w, "NATS (" + url + ")", uri.getHost(), uri.getPort() < 0 ? 4222 : uri.getPort());
            }
        }
        for (StatefulSet nats : m.all(StatefulSet.class).filter(s -> s.getMetadata().getName().equals(NATS)).toList()) {
            NetworkPolicies.Pod pod = pod(new Manifests.Workload(nats, nats.getSpec().getTemplate()));
            String refused = net.refusal(pod, pod, 6222, "TCP");
            if (refused != null) {
                problem("NATS servers cannot route to each other on 6222: " + refused);
            }
            checkOnlyClientsReachNats(net, namespace, pod);
        }
    }

    /**
     * The management port (health, metrics, OpenAPI) admits Prometheus from namespace monitoring and not
     * the ingress controller; Prometheus needs nothing else, so it does not reach the public port.
     */
    private void checkManagementPaths(NetworkPolicies net, Manifests.Workload w, ServiceConfig cfg, NetworkPolicies.Pod ingressController) {
        if (cfg.managementPort() == null) {
            return;
        }
        NetworkPolicies.Pod target = pod(w);
        int management = cfg.managementPort();
        if (net.ingressRefusal(ingressController, target, management, "TCP") == null) {
            problem("the ingress controller can reach " + cfg.name() + "'s management port " + management
                    + "; it is let in on the http port (" + cfg.httpPort() + ") only");
        }
        NetworkPolicies.Pod prometheus = new NetworkPolicies.Pod(MONITORING_NAMESPACE, PROMETHEUS_LABELS, List.of());
        String metrics = net.ingressRefusal(prometheus, target, management, "TCP");
        boolean publicPort = net.ingressRefusal(prometheus, target, cfg.httpPort(), "TCP") == null;
        String prom = "Prometheus (namespace " + MONITORING_NAMESPACE + ")";
        if (metrics != null && publicPort) {
            problem(prom + " reaches " + cfg.name() + " on its http port (" + cfg.httpPort() + ") but not on its management port ("
                    + management + "), where " + METRICS_PATH + " is served");
        } else if (metrics != null) {
            problem(prom + " cannot reach " + cfg.name() + "'s management port " + management + " (" + METRICS_PATH + "): " + metrics);
        } else if (publicPort) {
            problem(prom + " reaches " + cfg.name() + " on its http port (" + cfg.httpPort() + ") too; it needs only the management port ("
                    + management + ")");
        }
    }

    /**
     * NATS's client port admits its clients and nothing else: no other workload of the overlay, and
     * none of the pods someone could start next to them (unlabelled, labelled as part of the
     * application, or named like a client in another namespace).
     */
    private void checkOnlyClientsReachNats(NetworkPolicies net, String namespace, NetworkPolicies.Pod nats) {
        int port = Optional.ofNullable(nats.resolvePort(new IntOrString("client"))).orElse(NATS_CLIENT_PORT);
        Map<String, NetworkPolicies.Pod> others = new LinkedHashMap<>();
        for (Manifests.Workload w : m.workloads()) {
            if (!NATS_CLIENTS.contains(w.template().getMetadata().getLabels().get("app.kubernetes.io/name"))) {
                others.put(w.name(), pod(w));
            }
        }
        others.put("an unlabelled pod", new NetworkPolicies.Pod(namespace, Map.of(), List.of()));
        others.put("another pod of the application (leadline.io/tier: app)", new NetworkPolicies.Pod(namespace,
                Map.of("app.kubernetes.io/name", "other", "app.kubernetes.io/part-of", "leadline", "leadline.io/tier", "app"), List.of()));
        others.put("a pod named leads-service in another namespace", new NetworkPolicies.Pod(namespace + "-elsewhere",
                Map.of("app.kubernetes.io/name", "leads-service", "app.kubernetes.io/part-of", "leadline", "leadline.io/tier", "app"), List.of()));
        List<String> admitted = others.entrySet().stream()
                .filter(e -> net.ingressRefusal(e.getValue(), nats, port, "TCP") == null)
                .map(Map.Entry::getKey)
                .toList();
        if (!admitted.isEmpty()) {
            problem("NATS admits on " + port + " more than its clients (" + String.join(", ", NATS_CLIENTS) + "): "
                    + String.join(", ", admitted));
        }
    }

    // --- cert-manager: issuers exist, a CA issuer's Secret exists ------------------------------------------

    private void checkCertificates() {
        Set<String> issuers = m.custom("Issuer").filter(ManifestChecker::isCertManager)
                .map(i -> i.getMetadata().getName()).collect(Collectors.toSet());
        for (GenericKubernetesResource cert : m.custom("Certificate").filter(ManifestChecker::isCertManager).toList()) {
            String kind = Objects.requireNonNullElse((String) cert.get("spec", "issuerRef", "kind"), "Issuer");
            String name = cert.get("spec", "issuerRef", "name");
            // a ClusterIssuer is the cluster's, like the ClusterSecretStore of the ExternalSecrets
            if (kind.equals("Issuer") && !issuers.contains(name)) {
                problem("Certificate " + cert.getMetadata().getName() + ": issuer Issuer " + name + " does not exist");
            }
        }
        for (GenericKubernetesResource issuer : m.custom("Issuer").filter(ManifestChecker::isCertManager).toList()) {
            String caSecret = issuer.get("spec", "ca", "secretName");
            if (caSecret != null) {
                requireKey("Issuer " + issuer.getMetadata().getName(), "Secret", caSecret, secretKeys(caSecret), "tls.key");
            }
        }
    }

    // --- NATS servers: TLS, accounts and passwords from nats-users ------------------------------------------

    private void checkNatsServers() {
        Optional<StatefulSet> found = m.find(StatefulSet.class, NATS);
        if (found.isEmpty()) {
            problem("StatefulSet " + NATS + " is missing");
            return;
        }
        String where = "StatefulSet " + NATS;
        PodSpec pod = found.get().getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().stream().filter(x -> x.getName().equals(NATS)).findFirst().orElse(pod.getContainers().get(0));
        List<String> args = command(c);
        int config = Math.max(args.indexOf("--config"), args.indexOf("-c"));
        String path = config >= 0 && config + 1 < args.size() ? args.get(config + 1) : null;
        String text = path == null ? null : mountedText(pod, c, path);
        if (text == null) {
            problem(where + ": its configuration " + (path == null ? "(no --config)" : path) + " is not a file mounted in the container");
            return;
        }
        String dir = path.substring(0, path.lastIndexOf('/') + 1);
        try {
            natsConf = NatsConf.parse(text, include -> mountedText(pod, c, include.startsWith("/") ? include
                    : dir + include.replaceFirst("^\\./", "")));
        } catch (IllegalArgumentException e) {
            problem(where + ": " + e.getMessage());
            return;
        }
        Map<String, Object> clientTls = NatsConf.block(natsConf, "tls");
        Map<String, Object> routeTls = NatsConf.block(natsConf, "cluster", "tls");
        if (clientTls == null) {
            problem("NATS: clients connect without TLS (nats.conf has no tls block)");
        }
        if (routeTls == null || !"true".equals(NatsConf.string(routeTls, "verify"))) {
            problem("NATS: cluster routes do not verify each other (nats.conf needs cluster { tls { … verify: true } })");
        }
        Map<String, Map<String, Object>> tlsBlocks = new LinkedHashMap<>();
        tlsBlocks.put("tls", clientTls);
        tlsBlocks.put("cluster tls", routeTls);
        for (Map.Entry<String, Map<String, Object>> tls : tlsBlocks.entrySet()) {
            if (tls.getValue() == null) {
                continue;
            }
            for (String file : List.of("cert_file", "key_file", "ca_file")) {
                String value = NatsConf.string(tls.getValue(), file);
                if (value != null && mountedFile(pod, c, value) == null) {
                    problem(where + ": nats.conf " + tls.getKey() + " " + file + " " + value + " is not a file mounted in the container");
                }
            }
        }
        if (natsConf.containsKey("no_auth_user")) {
            problem("NATS: no_auth_user " + natsConf.get("no_auth_user") + " lets clients connect without credentials");
        }
        Map<String, Object> accounts = NatsConf.block(natsConf, "accounts");
        if (accounts == null || accounts.isEmpty()) {
            problem("NATS: nats.conf has no accounts, so clients connect without credentials");
        } else {
            for (String account : accounts.keySet()) {
                for (Object user : NatsConf.list(NatsConf.block(accounts, account), "users")) {
                    if (user instanceof Map<?, ?> u) {
                        checkNatsPassword(where, c, String.valueOf(u.get("user")), String.valueOf(u.get("password")));
                    }
                }
            }
        }
        checkCertificateNames(pod, c, clientTls, routeTls);
        m.secret(NATS_USERS).ifPresent(secret -> {
            Set<String> keys = new TreeSet<>();
            Optional.ofNullable(secret.getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
            Optional.ofNullable(secret.getData()).ifPresent(d -> keys.addAll(d.keySet()));
            for (String key : keys) {
                String value = secretValue(secret, key);
                if (value != null && !NATS_PASSWORD.matcher(value).matches()) {
                    problem("Secret " + NATS_USERS + ": the password of " + key + " must start with a letter and hold only "
                            + "letters, digits and ._~- (nats-server parses it from the environment)");
                }
            }
        });
    }

    /** A user's password is a variable the container fills from that user's key of nats-users. */
    private void checkNatsPassword(String where, Container c, String user, String password) {
        if (!password.startsWith("$")) {
            problem("NATS: the password of user " + user + " is written in nats.conf; it belongs in Secret " + NATS_USERS);
            return;
        }
        String variable = password.substring(1);
        EnvVar env = c.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst().orElse(null);
        if (env == null) {
            problem(where + ": nats.conf reads the password of user " + user + " from $" + variable + ", which the container does not set");
            return;
        }
        var ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
        if (ref == null || !NATS_USERS.equals(ref.getName()) || !user.equals(ref.getKey())) {
            problem(where + ": env " + variable + " must come from key " + user + " of Secret " + NATS_USERS);
        }
    }

    /** The certificate NATS presents names every address clients and routes connect to, and serves routes as a client too. */
    private void checkCertificateNames(PodSpec pod, Container c, Map<String, Object> clientTls, Map<String, Object> routeTls) {
        for (Map<String, Object> tls : Stream.of(clientTls, routeTls).filter(Objects::nonNull).toList()) {
            FileSource file = mountedFile(pod, c, NatsConf.string(tls, "cert_file"));
            Optional<GenericKubernetesResource> cert = file == null || !file.kind().equals("Secret") ? Optional.empty()
                    : certificateWritingSecret(file.name());
            if (cert.isEmpty()) {
                continue; // a certificate from elsewhere: nothing to compare
            }
            String name = "Certificate " + cert.get().getMetadata().getName();
            List<String> dnsNames = Objects.requireNonNullElse(cert.get().get("spec", "dnsNames"), List.of());
            Map<String, String> hosts = new LinkedHashMap<>();
            if (tls == clientTls) {
                natsClientUrls().forEach((who, url) -> {
                    for (String u : url.split(",")) {
                        hosts.putIfAbsent(URI.create(u.strip()).getHost(), "which " + who + " connects to");
                    }
                });
            } else {
                for (Object route : NatsConf.list(NatsConf.block(natsConf, "cluster"), "routes")) {
                    hosts.putIfAbsent(URI.create(String.valueOf(route)).getHost(), "a route");
                }
                List<String> usages = cert.get().get("spec", "usages");
                if ("true".equals(NatsConf.string(tls, "verify")) && usages != null && !usages.contains("client auth")) {
                    problem(name + ": routes verify each other's certificate, so its usages need client auth");
                }
            }
            hosts.forEach((host, what) -> {
                if (host != null && dnsNames.stream().noneMatch(n -> n.equals(host)
                        || (n.startsWith("*.") && host.indexOf('.') > 0 && host.substring(host.indexOf('.')).equals(n.substring(1))))) {
                    problem(name + " (NATS's certificate) does not name " + host + ", " + what);
                }
            });
        }
    }

    /** Every NATS client's URL: the services' NATS_URL, the provisioning job's --url. */
    private Map<String, String> natsClientUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        for (ServiceConfig cfg : services.values()) {
            m.find(Deployment.class, cfg.name()).ifPresent(d -> {
                String url = envValue(d.getMetadata().getNamespace(), serviceContainer(d, cfg), "NATS_URL");
                if (url != null) {
                    urls.put(cfg.name(), url);
                }
            });
        }
        m.find(Job.class, PROVISIONING_JOB).ifPresent(j -> {
            String url = commandOption(j.getSpec().getTemplate().getSpec().getContainers().get(0), "--url");
            if (url != null) {
                urls.put(PROVISIONING_JOB, url);
            }
        });
        return urls;
    }

    // --- NATS clients: each its own user, its own key of nats-users, TLS with the CA ------------------------

    private void checkNatsClients() {
        for (ServiceConfig cfg : services.values()) {
            Optional<Deployment> d = m.find(Deployment.class, cfg.name());
            if (d.isEmpty()) {
                continue; // reported by checkServicesAgainstTheirConfiguration
            }
            String where = "Deployment " + cfg.name();
            String user = natsUser(cfg);
            PodSpec pod = d.get().getSpec().getTemplate().getSpec();
            Container c = serviceContainer(d.get(), cfg);
            String namespace = d.get().getMetadata().getNamespace();
            checkOwnKey(where, pod, user);
            String username = envValue(namespace, c, "LEADLINE_NATS_USERNAME");
            if (username == null) {
                problem(where + ": LEADLINE_NATS_USERNAME is not set (its NATS user is " + user + ")");
            } else if (!username.equals(user)) {
                problem(where + ": LEADLINE_NATS_USERNAME is " + username + ", but its NATS user is " + user);
            }
            checkPasswordFile(where, "LEADLINE_NATS_PASSWORD_FILE", envValue(namespace, c, "LEADLINE_NATS_PASSWORD_FILE"), pod, c, user);
            checkClientTls(where, "NATS_URL", envValue(namespace, c, "NATS_URL"), "LEADLINE_NATS_TLS_CA_FILE",
                    envValue(namespace, c, "LEADLINE_NATS_TLS_CA_FILE"), pod, c);
        }
        Optional<Job> job = m.find(Job.class, PROVISIONING_JOB);
        if (job.isEmpty()) {
            problem("Job " + PROVISIONING_JOB + " is missing (nothing creates the stream and the bucket)");
            return;
        }
        String where = "Job " + PROVISIONING_JOB;
        PodSpec pod = job.get().getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        List<String> args = command(c);
        if (!args.contains("io.leadline.shared.nats.security.NatsSetup") || !args.contains("provision")) {
            problem(where + ": does not run NatsSetup provision");
        }
        if (!"OnFailure".equals(pod.getRestartPolicy())) {
            problem(where + ": restartPolicy must be OnFailure (it retries until NATS is up)");
        }
        checkOwnKey(where, pod, "provisioner");
        checkPasswordFile(where, "--password-file", commandOption(c, "--password-file"), pod, c, "provisioner");
        String url = commandOption(c, "--url");
        if (url == null) {
            problem(where + ": no --url");
        }
        checkClientTls(where, "--url", url, "--tls-ca", commandOption(c, "--tls-ca"), pod, c);
        String replicas = Objects.requireNonNullElse(commandOption(c, "--replicas"), "1");
        m.find(StatefulSet.class, NATS).ifPresent(nats -> {
            if (!String.valueOf(nats.getSpec().getReplicas()).equals(replicas)) {
                problem(where + ": --replicas " + replicas + ", but the NATS cluster has " + nats.getSpec().getReplicas() + " servers");
            }
        });
    }

    /** Of Secret nats-users a client mounts its own key, as a file, and nothing else. */
    private void checkOwnKey(String where, PodSpec pod, String user) {
        String only = "; a NATS client mounts only its own (" + user + ")";
        boolean own = false;
        for (Volume v : pod.getVolumes()) {
            for (VolumeSource source : sources(v)) {
                if (!source.kind().equals("Secret") || !source.name().equals(NATS_USERS)) {
                    continue;
                }
                if (source.items() == null || source.items().isEmpty()) {
                    problem(where + ": volume " + v.getName() + " mounts every key of Secret " + NATS_USERS + only);
                    own = true;
                    continue;
                }
                for (KeyToPath item : source.items()) {
                    if (item.getKey().equals(user)) {
                        own = true;
                    } else {
                        problem(where + ": volume " + v.getName() + " mounts key " + item.getKey() + " of Secret " + NATS_USERS + only);
                    }
                }
            }
        }
        for (Container c : Stream.concat(pod.getContainers().stream(),
                pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream()).toList()) {
            for (EnvVar e : c.getEnv()) {
                var ref = e.getValueFrom() == null ? null : e.getValueFrom().getSecretKeyRef();
                if (ref != null && NATS_USERS.equals(ref.getName())) {
                    problem(where + ": env " + e.getName() + " reads key " + ref.getKey() + " of Secret " + NATS_USERS
                            + "; a NATS client mounts only its own key, as a file");
                }
            }
            for (EnvFromSource from : c.getEnvFrom()) {
                if (from.getSecretRef() != null && NATS_USERS.equals(from.getSecretRef().getName())) {
                    problem(where + ": envFrom reads every key of Secret " + NATS_USERS + only);
                }
            }
        }
        if (!own) {
            problem(where + ": does not mount its key " + user + " of Secret " + NATS_USERS);
        }
    }

    private void checkPasswordFile(String where, String setting, String path, PodSpec pod, Container c, String user) {
        if (path == null) {
            problem(where + ": " + setting + " is not set");
            return;
        }
        FileSource file = mountedFile(pod, c, path);
        if (file == null || !file.equals(new FileSource("Secret", NATS_USERS, user))) {
            problem(where + ": " + setting + " " + path + " is not key " + user + " of Secret " + NATS_USERS + " as mounted in the container");
        }
    }

    /** A client trusting a CA connects with TLS (tls://); a server that requires TLS needs clients that trust its CA. */
    private void checkClientTls(String where, String urlSetting, String url, String caSetting, String ca, PodSpec pod, Container c) {
        if (url == null) {
            return; // NATS_URL: reported with the network paths; --url: above
        }
        if (ca != null) {
            List<String> plain = Stream.of(url.split(",")).map(String::strip).filter(u -> !u.startsWith("tls://")).toList();
            if (!plain.isEmpty()) {
                problem(where + ": " + caSetting + " is set, so " + urlSetting + " must use tls:// (not " + String.join(", ", plain) + ")");
            }
            if (mountedFile(pod, c, ca) == null) {
                problem(where + ": " + caSetting + " " + ca + " is not a file mounted in the container");
            }
        } else if (NatsConf.block(natsConf == null ? Map.of() : natsConf, "tls") != null) {
            problem(where + ": NATS requires TLS, but " + caSetting + " is not set");
        }
    }

    private static String natsUser(ServiceConfig cfg) {
        return NatsIdentity.ofUser(cfg.name().replaceFirst("-service$", "")).user();
    }

    private static Container serviceContainer(Deployment d, ServiceConfig cfg) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        return containers.stream().filter(x -> x.getName().equals(cfg.name())).findFirst().orElse(containers.get(0));
    }

    private static List<String> command(Container c) {
        List<String> all = new ArrayList<>();
        Optional.ofNullable(c.getCommand()).ifPresent(all::addAll);
        Optional.ofNullable(c.getArgs()).ifPresent(all::addAll);
        return all;
    }

    /** The value after {@code option} on the container's command line, or null. */
    private static String commandOption(Container c, String option) {
        List<String> args = command(c);
        int i = args.indexOf(option);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    // --- files in a container: which Secret or ConfigMap key a path is ----------------------------------------

    /** A key of a Secret or ConfigMap, as a file. */
    record FileSource(String kind, String name, String key) {
    }

    /** What a volume projects: a Secret's or ConfigMap's keys (items null: all of them). */
    private record VolumeSource(String kind, String name, List<KeyToPath> items) {
    }

    private static List<VolumeSource> sources(Volume v) {
        List<VolumeSource> sources = new ArrayList<>();
        if (v.getSecret() != null) {
            sources.add(new VolumeSource("Secret", v.getSecret().getSecretName(), v.getSecret().getItems()));
        }
        if (v.getConfigMap() != null) {
            sources.add(new VolumeSource("ConfigMap", v.getConfigMap().getName(), v.getConfigMap().getItems()));
        }
        if (v.getProjected() != null) {
            for (var p : v.getProjected().getSources()) {
                if (p.getSecret() != null) {
                    sources.add(new VolumeSource("Secret", p.getSecret().getName(), p.getSecret().getItems()));
                }
                if (p.getConfigMap() != null) {
                    sources.add(new VolumeSource("ConfigMap", p.getConfigMap().getName(), p.getConfigMap().getItems()));
                }
            }
        }
        return sources;
    }

    /** The key a file of the container is, or null when no Secret or ConfigMap volume puts a file there. */
    private FileSource mountedFile(PodSpec pod, Container c, String path) {
        if (path == null) {
            return null;
        }
        VolumeMount mount = null;
        String relative = null;
        for (VolumeMount vm : c.getVolumeMounts()) {
            String at = vm.getMountPath().replaceAll("/+$", "");
            boolean subPath = vm.getSubPath() != null && !vm.getSubPath().isEmpty();
            if (subPath ? path.equals(at) : path.startsWith(at + "/")) {
                if (mount == null || at.length() > mount.getMountPath().replaceAll("/+$", "").length()) {
                    mount = vm;
                    relative = subPath ? vm.getSubPath() : path.substring(at.length() + 1);
                }
            }
        }
        if (mount == null) {
            return null;
        }
        String name = mount.getName();
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElse(null);
        if (volume == null) {
            return null;
        }
        for (VolumeSource source : sources(volume)) {
            if (source.items() != null && !source.items().isEmpty()) {
                for (KeyToPath item : source.items()) {
                    if (item.getPath().equals(relative)) {
                        return new FileSource(source.kind(), source.name(), item.getKey());
                    }
                }
            } else {
                Set<String> keys = source.kind().equals("Secret") ? secretKeys(source.name()) : configMapKeys(source.name());
                if (keys != null && (keys.contains(relative) || keys.contains("*"))) {
                    return new FileSource(source.kind(), source.name(), relative);
                }
            }
        }
        return null;
    }

    /** The text of a mounted ConfigMap key, or null. */
    private String mountedText(PodSpec pod, Container c, String path) {
        FileSource file = mountedFile(pod, c, path);
        if (file == null || !file.kind().equals("ConfigMap")) {
            return null;
        }
        return m.configMap(file.name()).map(cm -> cm.getData() == null ? null : cm.getData().get(file.key())).orElse(null);
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
