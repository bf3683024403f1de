"""groundup: the reference implementations of *Machine Learning from the Ground Up*.

Each subpackage belongs to a part of the book; each module to one idea, and
its docstring names the chapter that explains it.
"""

__version__ = "0.1.0"
