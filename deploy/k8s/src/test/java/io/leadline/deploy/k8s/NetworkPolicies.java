package io.leadline.deploy.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the NetworkPolicies of a namespace let one pod open a connection to another: the egress
 * side (policies selecting the source) and the ingress side (policies selecting the destination)
 * must both allow it, as a NetworkPolicy-enforcing CNI decides. Pods outside the rendered namespace
 * (the ingress controller, DNS, the CloudNativePG operator) have no egress side here.
 */
final class NetworkPolicies {

    /** A pod: its namespace (and that namespace's labels), its labels and its containers' ports. */
    record Pod(String namespace, Map<String, String> labels, List<Container> containers) {

        Map<String, String> namespaceLabels() {
            return Map.of("kubernetes.io/metadata.name", namespace);
        }

        Integer resolvePort(IntOrString port) {
            if (port == null) {
                return null;
            }
            if (port.getIntVal() != null) {
                return port.getIntVal();
            }
            return containers.stream().flatMap(c -> c.getPorts().stream())
                    .filter(p -> port.getStrVal().equals(p.getName()))
                    .map(ContainerPort::getContainerPort)
                    .findFirst().orElse(null);
        }
    }

    private final List<NetworkPolicy> policies;
    private final String namespace;

    NetworkPolicies(List<NetworkPolicy> policies, String namespace) {
        this.policies = policies;
        this.namespace = namespace;
    }

    /** Null when allowed, else which side refuses. */
    String refusal(Pod from, Pod to, int port, String protocol) {
        String refused = egressRefusal(from, to, port, protocol);
        return refused != null ? refused : ingressRefusal(from, to, port, protocol);
    }

    /** The source's side: null when its egress policies (if any) let it open the connection. */
    String egressRefusal(Pod from, Pod to, int port, String protocol) {
        if (from.namespace().equals(namespace)) {
            List<NetworkPolicy> egress = policies.stream()
                    .filter(p -> types(p).contains("Egress") && matches(p.getSpec().getPodSelector(), from.labels()))
                    .toList();
            boolean allowed = egress.isEmpty() || egress.stream().flatMap(p -> p.getSpec().getEgress().stream())
                    .anyMatch(rule -> peersMatch(rule.getTo(), to) && portsMatch(rule.getPorts(), to, port, protocol));
            if (!allowed) {
                return "egress denied";
            }
        }
        return null;
    }

    /** The destination's side: null when its ingress policies (if any) admit the connection. */
    String ingressRefusal(Pod from, Pod to, int port, String protocol) {
        if (to.namespace().equals(namespace)) {
            List<NetworkPolicy> ingress = policies.stream()
                    .filter(p -> types(p).contains("Ingress") && matches(p.getSpec().getPodSelector(), to.labels()))
                    .toList();
            boolean allowed = ingress.isEmpty() || ingress.stream().flatMap(p -> p.getSpec().getIngress().stream())
                    .anyMatch(rule -> peersMatch(rule.getFrom(), from) && portsMatch(rule.getPorts(), to, port, protocol));
            if (!allowed) {
                return "ingress denied";
            }
        }
        return null;
    }

    private static List<String> types(NetworkPolicy p) {
        List<String> declared = p.getSpec().getPolicyTypes();
        if (declared != null && !declared.isEmpty()) {
            return declared;
        }
        return p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()
                ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private boolean peersMatch(List<NetworkPolicyPeer> peers, Pod pod) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                continue; // addresses outside the cluster's pods; no pod path here relies on one
            }
            boolean namespaceOk = peer.getNamespaceSelector() == null
                    ? pod.namespace().equals(namespace)
                    : matches(peer.getNamespaceSelector(), pod.namespaceLabels());
            boolean podOk = peer.getPodSelector() == null || matches(peer.getPodSelector(), pod.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, Pod to, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
            if (!proto.equals(protocol)) {
                continue;
            }
            Integer number = to.resolvePort(p.getPort());
            if (p.getPort() == null) {
                return true;
            }
            if (number != null && (p.getEndPort() == null ? number == port : port >= number && port <= p.getEndPort())) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(l.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = l.get(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && r.getValues().contains(value);
                    case "NotIn" -> value == null || !r.getValues().contains(value);
                    case "Exists" -> l.containsKey(r.getKey());
                    case "DoesNotExist" -> !l.containsKey(r.getKey());
                    default -> throw new IllegalArgumentException("selector operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
