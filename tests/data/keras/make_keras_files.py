#!/usr/bin/python3
"""Writes Keras 2 .h5 and Keras 3 .keras copies of some TensorFlow.js fixtures
(tests/data/keras/tfjs/<name>, made by scripts/make_keras_references.mjs), with
the same weights, so the readers of those layouts are checked against the
same reference outputs. Needs Debian's python3-h5py and python3-numpy, not
Keras. Writes tests/data/keras/files/:

  shared_layers_keras2.h5          Keras 2 full model ("Functional"); the attribute layer_names is
                                   split into layer_names0 / layer_names1, as Keras splits long ones
  batch_normalization_weights.h5   Keras 2 weights-only file (save_weights: groups at the root) ...
  batch_normalization_config.json  ... and its topology (model.to_json())
  shared_layers.keras              Keras 3 archive: config.json in the Keras 3 dialect (args with
                                   __keras_tensor__, batch_shape, DTypePolicy), model.weights.h5 by
                                   object path (/layers/dense/vars/0 …), stored ZIP entries
  batch_normalization.keras        Keras 3 archive of a Sequential model (explicit InputLayer)
"""
import copy
import io
import json
import os
import re
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'files')


def load_tfjs(name):
    folder = os.path.join(HERE, 'tfjs', name)
    with open(os.path.join(folder, 'model.json')) as f:
        model = json.load(f)
    data = np.fromfile(os.path.join(folder, 'weights.bin'), dtype='<f4')
    weights = {}
    offset = 0
    for spec in model['weightsManifest'][0]['weights']:
        count = int(np.prod(spec['shape'])) if spec['shape'] else 1
        layer, weight = spec['name'].rsplit('/', 1)
        weights.setdefault(layer, []).append((weight, data[offset:offset + count].reshape(spec['shape'])))
        offset += count
    return model['modelTopology'], weights


def layer_name(entry):
    return entry.get('name') or entry['config']['name']


def layer_list(topology):
    config = topology['config']
    return config if isinstance(config, list) else config['layers']


def write_keras2_weights(group, topology, weights, split_layer_names):
    names = [layer_name(entry).encode() for entry in layer_list(topology)]
    if split_layer_names:
        group.attrs['layer_names0'] = np.array(names[:2])
        group.attrs['layer_names1'] = np.array(names[2:])
    else:
        group.attrs['layer_names'] = np.array(names)
    group.attrs['backend'] = b'tensorflow'
    group.attrs['keras_version'] = b'2.13.1'
    for entry in layer_list(topology):
        name = layer_name(entry)
        layer_group = group.create_group(name)
        stored = weights.get(name, [])
        weight_names = [f'{name}/{weight}:0'.encode() for weight, _ in stored]
        layer_group.attrs['weight_names'] = np.array(weight_names) if weight_names else np.array([], dtype='float64')
        for (weight, values), full in zip(stored, weight_names):
            layer_group.create_dataset(full.decode(), data=values)


def keras2_dialect(topology):
    model = copy.deepcopy(topology)
    if model['class_name'] == 'Model':
        model['class_name'] = 'Functional'
    model['keras_version'] = '2.13.1'
    model['backend'] = 'tensorflow'
    return model


def snake_case(name):
    name = re.sub(r'\W+', '', name)
    name = re.sub('(.)([A-Z][a-z]+)', r'\1_\2', name)
    return re.sub('([a-z])([A-Z])', r'\1_\2', name).lower()


def dtype_policy(name='float32'):
    return {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': name}, 'registered_name': None}


def keras3_layer_config(class_name, config):
    config = dict(config)
    if class_name == 'InputLayer':
        return {'batch_shape': config['batch_input_shape'], 'dtype': config.get('dtype', 'float32'),
                'sparse': False, 'name': config['name']}
    config.pop('batch_input_shape', None)
    config['dtype'] = dtype_policy(config.get('dtype', 'float32'))
    return config


def keras_tensor(reference):
    return {'class_name': '__keras_tensor__',
            'config': {'shape': None, 'dtype': 'float32', 'keras_history': reference[:3]}}


def keras3_dialect(topology):
    layers = []
    for entry in layer_list(topology):
        class_name = entry['class_name']
        layer = {'module': 'keras.layers', 'class_name': class_name,
                 'config': keras3_layer_config(class_name, entry['config']), 'registered_name': None}
        if topology['class_name'] != 'Sequential':
            layer['name'] = layer_name(entry)
            nodes = []
            for node in entry.get('inbound_nodes', []):
                tensors = [keras_tensor(reference) for reference in node]
                nodes.append({'args': [tensors] if len(tensors) > 1 else tensors, 'kwargs': {}})
            layer['inbound_nodes'] = nodes
        layers.append(layer)
    config = {'name': topology['config']['name'], 'trainable': True, 'dtype': dtype_policy(), 'layers': layers}
    if topology['class_name'] == 'Sequential':
        first = layers[0]
        shape = layer_list(topology)[0]['config']['batch_input_shape']
        layers.insert(0, {'module': 'keras.layers', 'class_name': 'InputLayer', 'registered_name': None,
                          'config': {'batch_shape': shape, 'dtype': 'float32', 'sparse': False,
                                     'name': 'input_layer'}})
        first['build_config'] = {'input_shape': shape}
    else:
        config['input_layers'] = topology['config']['input_layers']
        config['output_layers'] = topology['config']['output_layers']
    return {'module': 'keras', 'class_name': 'Sequential' if topology['class_name'] == 'Sequential' else 'Functional',
            'config': config, 'registered_name': None}


def keras3_weights_file(topology, weights):
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as f:
        layers = f.create_group('layers')
        used = {}
        entries = layer_list(topology)
        for entry in entries:
            name = snake_case(entry['class_name'])
            if name in used:
                used[name] += 1
                name = f'{name}_{used[name]}'
            else:
                used[name] = 0
            variables = layers.create_group(name).create_group('vars')
            variables.attrs['name'] = layer_name(entry)
            for index, (_, values) in enumerate(weights.get(layer_name(entry), [])):
                variables.create_dataset(str(index), data=values)
        f.create_group('vars').attrs['name'] = topology['config']['name']
    return buffer.getvalue()


def write_keras3_archive(path, topology, weights):
    config = keras3_dialect(topology)
    with zipfile.ZipFile(path, 'w', compression=zipfile.ZIP_STORED) as archive:
        archive.writestr('metadata.json', json.dumps({'keras_version': '3.9.2', 'date_saved': '2025-01-01@00:00:00'}))
        archive.writestr('config.json', json.dumps(config))
        archive.writestr('model.weights.h5', keras3_weights_file(topology, weights))


def main():
    os.makedirs(OUT, exist_ok=True)
    topology, weights = load_tfjs('shared_layers')
    with h5py.File(os.path.join(OUT, 'shared_layers_keras2.h5'), 'w') as f:
        model = keras2_dialect(topology)
        f.attrs['keras_version'] = b'2.13.1'
        f.attrs['backend'] = b'tensorflow'
        f.attrs['model_config'] = json.dumps(model).encode()
        write_keras2_weights(f.create_group('model_weights'), topology, weights, split_layer_names=True)
    write_keras3_archive(os.path.join(OUT, 'shared_layers.keras'), topology, weights)

    topology, weights = load_tfjs('batch_normalization')
    with h5py.File(os.path.join(OUT, 'batch_normalization_weights.h5'), 'w') as f:
        write_keras2_weights(f, topology, weights, split_layer_names=False)
    with open(os.path.join(OUT, 'batch_normalization_config.json'), 'w') as f:
        json.dump(keras2_dialect(topology), f, indent=1)
    write_keras3_archive(os.path.join(OUT, 'batch_normalization.keras'), topology, weights)


if __name__ == '__main__':
    main()
