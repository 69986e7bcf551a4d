from setuptools import setup

setup(name="acme", version=open("acme/_version.py").read().split('"')[1])
