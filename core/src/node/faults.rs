//! The data plane's public API on [`Simulation`]: nodes joining and failing,
//! crashing containers, container logs, and HTTP requests through the cluster
//! network. kubectl (`logs`, `exec … -- curl`), the `sim` commands and the
//! playground's chaos buttons call these.

use std::fmt;

use crate::api_server::{ApiError, ObjectKey};
use crate::cluster::NodeConfig;
use crate::model::node::Node;
use crate::model::pod::Pod;
use crate::model::{Object, Resource};
use crate::node::dns::{self, Resolved};
use crate::node::http::{self, CurlError, HttpResponse, Request};
use crate::node::kube_proxy::{self, Route};
use crate::node::kubelet::{ensure_node_state, internal_ip};
use crate::node::runtime::{ContainerInstance, PodRuntime};
use crate::simulation::Simulation;
use crate::time::SimTime;

/// Why a data-plane request failed, worded as kubectl prints it.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeError {
    /// From the API server (`Error from server (NotFound): pods "x" not found`).
    Api(ApiError),
    /// A 400 from the log endpoint, e.g. `a container name must be specified for
    /// pod p, choose one of: [a b]`.
    BadRequest(String),
    /// `error: node "x" not found` and the like, printed after `error: `.
    Invalid(String),
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeError::Api(error) => write!(f, "{error}"),
            NodeError::BadRequest(message) => {
                write!(f, "Error from server (BadRequest): {message}")
            }
            NodeError::Invalid(message) => write!(f, "error: {message}"),
        }
    }
}

impl std::error::Error for NodeError {}

impl From<ApiError> for NodeError {
    fn from(error: ApiError) -> Self {
        NodeError::Api(error)
    }
}

/// A log line with the time it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub time: SimTime,
    pub line: String,
}

fn node_type() -> &'static crate::model::ResourceType {
    Node::resource_type()
}

impl Simulation {
    /// Registers a node (its kubelet starts at once, renewing its Lease).
    pub fn add_node(&mut self, config: NodeConfig) -> Result<(), NodeError> {
        let ordinal = self.api().list(node_type(), None).count() as u32;
        let object = config.to_object(ordinal, self.now());
        self.api_mut().create(object)?;
        Ok(())
    }

    /// Stops a node's kubelet: no more heartbeats or status, and its pods'
    /// containers stop (on recovery they report exit 255, reason Unknown, as after
    /// a reboot).
    pub fn fail_node(&mut self, name: &str) -> Result<(), NodeError> {
        self.api().get(node_type(), "", name)?;
        let now = self.now();
        let mut runtime = self.node_runtime().borrow_mut();
        let state = ensure_node_state(&mut runtime, name);
        state.failed = true;
        state.failed_at = Some(now);
        for pod in runtime.pods.values_mut().filter(|p| p.node == name) {
            for container in pod
                .init_containers
                .iter_mut()
                .chain(pod.containers.iter_mut())
            {
                if let Some(instance) = container.current.as_mut().filter(|i| i.is_running()) {
                    instance.natural_exit = Some((now, 255, "Unknown"));
                }
            }
        }
        drop(runtime);
        self.trace_data_plane(format!("node {name} failed: its kubelet stopped"));
        Ok(())
    }

    /// Restarts a failed node's kubelet: it posts status again and resyncs its pods.
    pub fn recover_node(&mut self, name: &str) -> Result<(), NodeError> {
        self.api().get(node_type(), "", name)?;
        let pod_keys: Vec<ObjectKey> = {
            let mut runtime = self.node_runtime().borrow_mut();
            let state = ensure_node_state(&mut runtime, name);
            state.failed = false;
            state.failed_at = None;
            state.last_status_report = None;
            runtime
                .pods
                .iter()
                .filter(|(_, p)| p.node == name)
                .map(|((ns, pod), _)| ObjectKey::new(Pod::resource_type(), ns, pod))
                .collect()
        };
        self.queue_for_kubelet(ObjectKey::new(node_type(), "", name));
        for key in pod_keys {
            self.queue_for_kubelet(key);
        }
        // Pods bound to the node while it was down.
        let bound: Vec<ObjectKey> = self
            .api()
            .list(Pod::resource_type(), None)
            .filter(|o| o.as_::<Pod>().is_some_and(|p| p.node_name() == name))
            .map(|o| ObjectKey::of(o))
            .collect();
        for key in bound {
            self.queue_for_kubelet(key);
        }
        self.trace_data_plane(format!("node {name} recovered: its kubelet restarted"));
        Ok(())
    }

    /// True when the node's kubelet is down.
    pub fn node_failed(&self, name: &str) -> bool {
        self.node_runtime()
            .borrow()
            .nodes
            .get(name)
            .is_some_and(|n| n.failed)
    }

    /// Makes a running container exit with an error (exit code 1), as a crash would.
    pub fn crash_container(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<(), NodeError> {
        let object = self.api().get(Pod::resource_type(), namespace, pod)?;
        let name = pick_container(&object, pod, container)?;
        let now = self.now();
        {
            let mut runtime = self.node_runtime().borrow_mut();
            let runtime_key = (namespace.to_string(), pod.to_string());
            let instance = runtime
                .pods
                .get_mut(&runtime_key)
                .and_then(|p| find_container_mut(p, &name))
                .and_then(|c| c.current.as_mut())
                .filter(|i| i.is_running());
            let Some(instance) = instance else {
                return Err(NodeError::BadRequest(format!(
                    "container {name:?} in pod {pod:?} is not running"
                )));
            };
            if instance.natural_exit.is_none_or(|(at, _, _)| at > now) {
                instance.natural_exit = Some((now, 1, "Error"));
            }
        }
        self.queue_for_kubelet(ObjectKey::new(Pod::resource_type(), namespace, pod));
        self.trace_data_plane(format!("container {name} of {namespace}/{pod} crashed"));
        Ok(())
    }

    /// `kubectl logs`: the container's output, one line per entry.
    pub fn container_logs(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        previous: bool,
    ) -> Result<String, NodeError> {
        let lines = self.container_log_lines(namespace, pod, container, previous)?;
        let mut text = String::new();
        for line in lines {
            text.push_str(&line.line);
            text.push('\n');
        }
        Ok(text)
    }

    /// The container's log lines with the times they were written (`--timestamps`).
    pub fn container_log_lines(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        previous: bool,
    ) -> Result<Vec<LogLine>, NodeError> {
        let object = self.api().get(Pod::resource_type(), namespace, pod)?;
        let name = pick_container(&object, pod, container)?;
        let runtime = self.node_runtime().borrow();
        let found = runtime
            .pods
            .get(&(namespace.to_string(), pod.to_string()))
            .and_then(|p| find_container(p, &name));
        let now = self.now();
        let instance = match found {
            Some(container_runtime) if previous => container_runtime.previous.as_ref(),
            Some(container_runtime) => container_runtime
                .current
                .as_ref()
                .or(container_runtime.previous.as_ref()),
            None => None,
        };
        let Some(instance) = instance else {
            if previous {
                return Err(NodeError::BadRequest(format!(
                    "previous terminated container {name:?} in pod {pod:?} not found"
                )));
            }
            let reason = object
                .as_::<Pod>()
                .and_then(|p| p.status.as_ref())
                .and_then(|s| {
                    s.container_statuses
                        .as_ref()
                        .or(s.init_container_statuses.as_ref())
                })
                .and_then(|list| {
                    list.iter()
                        .find(|s| s.name.as_deref() == Some(name.as_str()))
                })
                .and_then(|s| s.state.as_ref())
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.clone())
                .unwrap_or_else(|| "ContainerCreating".to_string());
            let reason = match reason.as_str() {
                "ErrImagePull" | "ImagePullBackOff" => {
                    "trying and failing to pull image".to_string()
                }
                _ => reason,
            };
            return Err(NodeError::BadRequest(format!(
                "container {name:?} in pod {pod:?} is waiting to start: {reason}"
            )));
        };
        Ok(log_lines(instance, now))
    }

    /// A request from a pod (or, with None, from a node) to `url`, as `curl` run in
    /// that pod would make it: DNS, then kube-proxy, then the serving container.
    pub fn http_request(
        &mut self,
        from_pod: Option<(&str, &str)>,
        method: &str,
        url: &str,
    ) -> Result<HttpResponse, CurlError> {
        let (host, port, path) = http::parse_url(url).ok_or_else(|| CurlError::bad_url(url))?;
        let (client_namespace, client_ip) = match from_pod {
            Some((namespace, name)) => {
                let ip = self
                    .api()
                    .get_ref(Pod::resource_type(), namespace, name)
                    .and_then(|o| o.as_::<Pod>())
                    .and_then(|p| p.status.as_ref())
                    .and_then(|s| s.pod_ip.clone())
                    .unwrap_or_default();
                (namespace.to_string(), ip)
            }
            None => ("default".to_string(), self.first_node_ip()),
        };
        let destination = match dns::resolve(self.api(), &host, &client_namespace) {
            Some(Resolved::Address(ip)) => ip,
            Some(Resolved::Service(namespace, name)) => {
                let service = self
                    .api()
                    .get_ref(
                        crate::model::service::Service::resource_type(),
                        &namespace,
                        &name,
                    )
                    .and_then(|o| o.as_::<crate::model::service::Service>())
                    .and_then(|s| s.spec.as_ref())
                    .and_then(|s| s.cluster_ip.clone())
                    .filter(|ip| ip != "None" && !ip.is_empty());
                match service {
                    Some(ip) => ip,
                    None => {
                        // A headless Service resolves to its ready pods' IPs.
                        let ip = self.headless_address(&namespace, &name);
                        ip.ok_or_else(|| CurlError::could_not_resolve(&host))?
                    }
                }
            }
            None => return Err(CurlError::could_not_resolve(&host)),
        };
        let node_ips: Vec<String> = self
            .api()
            .list(node_type(), None)
            .filter_map(|o| o.as_::<Node>().map(internal_ip))
            .collect();
        let now = self.now();
        let runtime_handle = self.node_runtime().clone();
        // The route reads the store and draws from the API server's RNG: draw from a
        // copy, then put the advanced copy back.
        let mut rng = self.api().rng_state().clone();
        let route = {
            let mut runtime = runtime_handle.borrow_mut();
            kube_proxy::route(
                self.api(),
                &mut rng,
                &mut runtime.affinity,
                &client_ip,
                &destination,
                port,
                &node_ips,
                now,
            )
        };
        *self.api_mut().rng() = rng;
        let (target_ip, target_port) = match route {
            Route::Endpoint(endpoint) => (endpoint.ip, endpoint.port),
            Route::NoEndpoints => return Err(CurlError::connection_refused(&host, port)),
            Route::NotAService => (destination.clone(), port),
        };
        self.deliver(
            &host,
            port,
            &path,
            method,
            &client_ip,
            &target_ip,
            target_port,
        )
    }

    fn deliver(
        &mut self,
        host: &str,
        port: i32,
        path: &str,
        method: &str,
        client_ip: &str,
        target_ip: &str,
        target_port: i32,
    ) -> Result<HttpResponse, CurlError> {
        let now = self.now();
        let runtime_handle = self.node_runtime().clone();
        let mut runtime = runtime_handle.borrow_mut();
        let failed_nodes: Vec<String> = runtime
            .nodes
            .iter()
            .filter(|(_, n)| n.failed)
            .map(|(name, _)| name.clone())
            .collect();
        let Some(((namespace, pod_name), pod_runtime)) = runtime.pods.iter_mut().find(|(_, p)| {
            p.pod_ip.as_deref() == Some(target_ip) && p.sandbox_ready_at.is_some_and(|t| t <= now)
        }) else {
            return Err(CurlError::timed_out(host, port));
        };
        if failed_nodes.contains(&pod_runtime.node) {
            return Err(CurlError::timed_out(host, port));
        }
        let pod_object = self
            .api()
            .get_ref(Pod::resource_type(), namespace, pod_name)
            .cloned();
        let Some(pod_object) = pod_object else {
            return Err(CurlError::timed_out(host, port));
        };
        let Some(pod) = pod_object.as_::<Pod>() else {
            return Err(CurlError::timed_out(host, port));
        };
        let spec = pod.spec.clone().unwrap_or_default();
        let node_name = pod_runtime.node.clone();
        let pod_ip = pod_runtime.pod_ip.clone().unwrap_or_default();
        for container in pod_runtime.containers.iter_mut() {
            let declared: Vec<i32> = spec
                .containers
                .iter()
                .flatten()
                .find(|c| c.name.as_deref() == Some(container.name.as_str()))
                .map(|c| {
                    c.ports
                        .iter()
                        .flatten()
                        .filter_map(|p| p.container_port)
                        .collect()
                })
                .unwrap_or_default();
            let image = container.image.clone();
            let Some(instance) = container.current.as_mut().filter(|i| is_up(i, now)) else {
                continue;
            };
            if instance.behaviour.service == crate::node::behaviour::Service::None
                || !http::listens_on(&image, &declared, target_port)
            {
                continue;
            }
            let request = Request {
                method,
                host,
                port,
                path,
                client_ip,
                pod_name,
                pod_ip: &pod_ip,
                image: &image,
                node_name: &node_name,
            };
            let (status, body) = http::respond(instance, &request)?;
            if crate::node::behaviour::short_repository(&image) == "nginx" {
                instance.extra_logs.push((
                    now,
                    http::access_log_line(client_ip, method, path, status, body.len(), now),
                ));
            }
            return Ok(HttpResponse {
                status,
                body,
                pod: (namespace.clone(), pod_name.clone()),
            });
        }
        Err(CurlError::connection_refused(host, port))
    }

    fn first_node_ip(&self) -> String {
        self.api()
            .list(node_type(), None)
            .filter_map(|o| o.as_::<Node>().map(internal_ip))
            .next()
            .unwrap_or_default()
    }

    fn headless_address(&self, namespace: &str, name: &str) -> Option<String> {
        let service = self
            .api()
            .get_ref(
                crate::model::service::Service::resource_type(),
                namespace,
                name,
            )?
            .as_::<crate::model::service::Service>()?
            .clone();
        let port = service.spec.as_ref()?.ports.as_ref()?.first()?.clone();
        kube_proxy::endpoints_for(self.api(), &service, &port)
            .into_iter()
            .find(|e| e.ready)
            .map(|e| e.ip)
    }

    fn trace_data_plane(&mut self, message: String) {
        self.push_trace("kubelet", message);
    }
}

fn is_up(instance: &ContainerInstance, now: SimTime) -> bool {
    instance.is_running() && instance.natural_exit.is_none_or(|(at, _, _)| at > now)
}

/// The lines an instance wrote up to `now`: its program's, then served requests', in time order.
fn log_lines(instance: &ContainerInstance, now: SimTime) -> Vec<LogLine> {
    let run = instance.run_until(now);
    let mut lines: Vec<LogLine> = run
        .logs
        .into_iter()
        .map(|(offset, line)| LogLine {
            time: instance.started_at + offset,
            line: crate::node::behaviour::render_dates(&line, instance.started_at),
        })
        .filter(|l| l.time <= now)
        .collect();
    lines.extend(instance.extra_logs.iter().map(|(time, line)| LogLine {
        time: *time,
        line: line.clone(),
    }));
    lines.sort_by_key(|l| l.time);
    lines
}

fn pick_container(
    object: &Object,
    pod: &str,
    container: Option<&str>,
) -> Result<String, NodeError> {
    let spec = object
        .as_::<Pod>()
        .and_then(|p| p.spec.clone())
        .unwrap_or_default();
    let names: Vec<String> = spec
        .containers
        .iter()
        .flatten()
        .filter_map(|c| c.name.clone())
        .collect();
    let init_names: Vec<String> = spec
        .init_containers
        .iter()
        .flatten()
        .filter_map(|c| c.name.clone())
        .collect();
    match container {
        Some(name) => {
            if names.iter().chain(init_names.iter()).any(|n| n == name) {
                Ok(name.to_string())
            } else {
                Err(NodeError::BadRequest(format!(
                    "container {name} is not valid for pod {pod}"
                )))
            }
        }
        None if names.len() == 1 => Ok(names[0].clone()),
        None => Err(NodeError::BadRequest(format!(
            "a container name must be specified for pod {pod}, choose one of: [{}]",
            names.join(" ")
        ))),
    }
}

fn find_container<'a>(
    pod: &'a PodRuntime,
    name: &str,
) -> Option<&'a crate::node::runtime::ContainerRuntime> {
    pod.containers
        .iter()
        .chain(pod.init_containers.iter())
        .find(|c| c.name == name)
}

fn find_container_mut<'a>(
    pod: &'a mut PodRuntime,
    name: &str,
) -> Option<&'a mut crate::node::runtime::ContainerRuntime> {
    pod.containers
        .iter_mut()
        .chain(pod.init_containers.iter_mut())
        .find(|c| c.name == name)
}
