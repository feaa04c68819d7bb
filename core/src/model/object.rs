//! The closed set of objects the API server stores.
//!
//! Each simulated kind is a typed struct with Kubernetes field names. Kinds that
//! kubesim accepts but does not simulate are [`GenericObject`]s: typed metadata and
//! the rest kept as data, so that a real application's manifests apply unchanged.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::meta::ObjectMeta;
use super::registry::{ResourceType, lookup_kind_name};

/// The parts of a kind that the API server treats differently: desire (spec)
/// versus observation (status).
pub trait SpecStatus {
    /// True when everything a user declares (all but metadata and status) is equal.
    /// A change here bumps `metadata.generation` on kinds that track it.
    fn same_spec(&self, other: &Self) -> bool;
    /// Takes `other`'s status, as the status subresource does. Kinds without a
    /// status subresource do nothing.
    fn status_from(&mut self, other: &Self);
}

/// A kind kubesim simulates, with its discovery entry as a constant.
pub trait Resource:
    Clone + fmt::Debug + PartialEq + Serialize + DeserializeOwned + SpecStatus + 'static
{
    const KIND: &'static str;

    fn resource_type() -> &'static ResourceType {
        lookup_kind_name(Self::KIND).expect("every Resource kind is in RESOURCE_TYPES")
    }
    fn metadata(&self) -> &ObjectMeta;
    fn metadata_mut(&mut self) -> &mut ObjectMeta;
    fn into_object(self) -> Object;
    fn from_object(object: &Object) -> Option<&Self>;
    fn from_object_mut(object: &mut Object) -> Option<&mut Self>;
}

/// An accepted kind that kubesim stores but does not act on (ConfigMap, Secret,
/// StatefulSet, Ingress, ...). Metadata is typed and validated; the rest is kept
/// as the user wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct GenericObject {
    pub resource_type: &'static ResourceType,
    /// The apiVersion the object was written with (`autoscaling/v1`).
    pub api_version: String,
    pub metadata: ObjectMeta,
    /// Every top-level field other than apiVersion, kind and metadata.
    pub body: BTreeMap<String, serde_json::Value>,
}

impl GenericObject {
    fn same_spec(&self, other: &Self) -> bool {
        let without_status = |body: &BTreeMap<String, serde_json::Value>| {
            body.iter()
                .filter(|(key, _)| key.as_str() != "status")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        without_status(&self.body) == without_status(&other.body)
    }

    fn status_from(&mut self, other: &Self) {
        if !self.resource_type.has_status {
            return;
        }
        match other.body.get("status") {
            Some(status) => self.body.insert("status".to_string(), status.clone()),
            None => self.body.remove("status"),
        };
    }
}

macro_rules! objects {
    ($($variant:ident => $module:ident :: $type:ident),* $(,)?) => {
        /// Any object the API server stores.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $($variant(Box<$crate::model::$module::$type>),)*
            Generic(GenericObject),
        }

        $(
            impl Resource for $crate::model::$module::$type {
                const KIND: &'static str = stringify!($variant);
                fn metadata(&self) -> &ObjectMeta { &self.metadata }
                fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
                fn into_object(self) -> Object { Object::$variant(Box::new(self)) }
                fn from_object(object: &Object) -> Option<&Self> {
                    match object { Object::$variant(inner) => Some(&**inner), _ => None }
                }
                fn from_object_mut(object: &mut Object) -> Option<&mut Self> {
                    match object { Object::$variant(inner) => Some(&mut **inner), _ => None }
                }
            }
        )*

        impl Object {
            pub fn resource_type(&self) -> &'static ResourceType {
                match self {
                    $(Object::$variant(_) => <$crate::model::$module::$type as Resource>::resource_type(),)*
                    Object::Generic(generic) => generic.resource_type,
                }
            }

            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $(Object::$variant(inner) => &inner.metadata,)*
                    Object::Generic(generic) => &generic.metadata,
                }
            }

            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Object::$variant(inner) => &mut inner.metadata,)*
                    Object::Generic(generic) => &mut generic.metadata,
                }
            }

            /// See [`SpecStatus::same_spec`]. Objects of different kinds are never the same.
            pub fn same_spec(&self, other: &Object) -> bool {
                match (self, other) {
                    $((Object::$variant(left), Object::$variant(right)) => left.same_spec(right),)*
                    (Object::Generic(left), Object::Generic(right)) => left.same_spec(right),
                    _ => false,
                }
            }

            /// See [`SpecStatus::status_from`].
            pub fn status_from(&mut self, other: &Object) {
                match (self, other) {
                    $((Object::$variant(left), Object::$variant(right)) => left.status_from(right),)*
                    (Object::Generic(left), Object::Generic(right)) => left.status_from(right),
                    _ => {}
                }
            }

            /// The object as Kubernetes-shaped JSON, with `apiVersion` and `kind` first
            /// in meaning (JSON maps here are sorted, as kubectl's output is).
            pub fn to_value(&self) -> serde_json::Value {
                let (api_version, body) = match self {
                    $(Object::$variant(inner) => (
                        <$crate::model::$module::$type as Resource>::resource_type().api_version(),
                        serde_json::to_value(inner).unwrap_or(serde_json::Value::Null),
                    ),)*
                    Object::Generic(generic) => {
                        let mut body: serde_json::Map<String, serde_json::Value> =
                            generic.body.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                        body.insert("metadata".to_string(), serde_json::to_value(&generic.metadata).unwrap_or(serde_json::Value::Null));
                        (generic.api_version.clone(), serde_json::Value::Object(body))
                    }
                };
                let mut map = match body {
                    serde_json::Value::Object(map) => map,
                    _ => serde_json::Map::new(),
                };
                map.insert("apiVersion".to_string(), serde_json::Value::String(api_version));
                map.insert("kind".to_string(), serde_json::Value::String(self.resource_type().kind.to_string()));
                serde_json::Value::Object(map)
            }
        }
    };
}

objects! {
    Namespace => namespace::Namespace,
    Node => node::Node,
    Pod => pod::Pod,
    ReplicaSet => replica_set::ReplicaSet,
    Deployment => deployment::Deployment,
    DaemonSet => daemon_set::DaemonSet,
    Job => job::Job,
    Service => service::Service,
    Endpoints => endpoints::Endpoints,
    EndpointSlice => endpoint_slice::EndpointSlice,
    Event => event::Event,
}

impl Object {
    pub fn kind(&self) -> &'static str {
        self.resource_type().kind
    }

    pub fn name(&self) -> &str {
        self.metadata().name()
    }

    pub fn namespace(&self) -> &str {
        self.metadata().namespace()
    }

    /// Typed access: `object.as_::<Pod>()`.
    pub fn as_<T: Resource>(&self) -> Option<&T> {
        T::from_object(self)
    }
}
