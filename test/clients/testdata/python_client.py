# What a Python program does with the official client (python3-kubernetes) against k8ts; prints
# one JSON object of what it saw. Usage: python3 python_client.py KUBECONFIG
import json
import sys
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
apps = client.AppsV1Api()
seen = {}


def status_of(call):
    try:
        call()
    except ApiException as e:
        return [e.status, json.loads(e.body)['reason']]
    return None


core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name='py')))
core.create_namespaced_config_map('py', client.V1ConfigMap(
    metadata=client.V1ObjectMeta(name='a', labels={'app': 'py'}), data={'k': 'v'}))
seen['duplicate'] = status_of(lambda: core.create_namespaced_config_map(
    'py', client.V1ConfigMap(metadata=client.V1ObjectMeta(name='a'), data={})))
seen['missing'] = status_of(lambda: core.read_namespaced_config_map('nope', 'py'))
core.patch_namespaced_config_map('a', 'py', {'data': {'k2': 'v2'}})
seen['patched'] = core.read_namespaced_config_map('a', 'py').data
listed = core.list_namespaced_config_map('py', label_selector='app=py')
seen['listed'] = [i.metadata.name for i in listed.items]

apps.create_namespaced_deployment('py', client.V1Deployment(
    metadata=client.V1ObjectMeta(name='d'),
    spec=client.V1DeploymentSpec(
        replicas=2, selector=client.V1LabelSelector(match_labels={'a': 'b'}),
        template=client.V1PodTemplateSpec(
            metadata=client.V1ObjectMeta(labels={'a': 'b'}),
            spec=client.V1PodSpec(containers=[client.V1Container(name='c', image='img:1')])))))
seen['scale'] = apps.patch_namespaced_deployment_scale('d', 'py', {'spec': {'replicas': 4}}).spec.replicas
seen['deploymentReplicas'] = apps.read_namespaced_deployment('d', 'py').spec.replicas


def write_later():
    core.create_namespaced_config_map('py', client.V1ConfigMap(metadata=client.V1ObjectMeta(name='b'), data={}))
    core.delete_namespaced_config_map('b', 'py')


w = watch.Watch()
events = []
threading.Timer(0.5, write_later).start()
for ev in w.stream(core.list_namespaced_config_map, 'py', resource_version=listed.metadata.resource_version, timeout_seconds=10):
    events.append([ev['type'], ev['object'].metadata.name])
    if ev['type'] == 'DELETED':
        w.stop()
seen['watched'] = events
print(json.dumps(seen))
