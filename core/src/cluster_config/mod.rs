//! Cluster configuration files, parsed without IO: kind's `Cluster`
//! (`kind.x-k8s.io/v1alpha4`) and eksctl's `ClusterConfig` (`eksctl.io/v1alpha5`)
//! become a [`ClusterConfig`](crate::cluster::ClusterConfig) of nodes.

pub mod taint;
