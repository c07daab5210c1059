# The single API entry point (src/handlers/api_handler.py in aws-python-helper's README): the
# framework's dispatcher routes GET /constitutions to api/constitutions/list.py and
# GET /shipping-quotes to api/shipping-quotes/list.py under the working directory.
from aws_python_helper.api.handler import api_handler

handler = api_handler
