from rest_framework.views import APIView
class AreaList(APIView): pass
class AreaDetail(APIView): pass
class Lookup(APIView): pass
class GenerationList(APIView): pass
