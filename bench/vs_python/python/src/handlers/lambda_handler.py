# The standalone Lambdas' entry points, as aws-python-helper's README lays them out
# (src/handlers/lambda_handler.py). awslambdaric runs e.g.
#   python -m awslambdaric handlers.lambda_handler.generate_route_handler
# from this folder (the framework's fetcher looks for lambda/<name>/main.py under the working
# directory, so the working directory must be this src/ folder; on Lambda it is /var/task,
# where the zip puts these files).
from aws_python_helper.lambda_standalone.handler import lambda_handler

generate_route_handler = lambda_handler('generate-route')
quote_shipping_handler = lambda_handler('quote-shipping')

__all__ = ['generate_route_handler', 'quote_shipping_handler']
