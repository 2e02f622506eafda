# Blok's registry: node name -> instance. A Blok Python project keeps it as it is; with
# --python-nodes pointing at the folder above nodes/, the bundled runtime serves these names
# (and still finds file nodes such as text_stats.py by name).
from nodes.keywords.node import Keywords

nodes = {
    "keywords": Keywords(),
}


def get_nodes():
    return nodes
